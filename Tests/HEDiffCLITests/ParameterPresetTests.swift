import XCTest

/// One preset list for every command: `ckks demo|bench --params` and `--he-params` name the same
/// sets the same way, and the old ambiguous name `tailored` is read where it had one meaning only.
final class ParameterPresetTests: XCTestCase {
    /// The parameters line `ckks demo` prints for `--params name`.
    private func demoParameters(_ name: String) throws -> String {
        let result = try HEDiffProcess.run(["ckks", "demo", "--params", name])
        XCTAssertEqual(result.status, 0, result.stderr)
        return result.stdout.split(separator: "\n").first { $0.hasPrefix("parameters:") }.map(String.init) ?? ""
    }

    func testEveryPresetNameSelectsItsDocumentedShape() throws {
        // The shapes docs/CKKS.md documents for each name.
        XCTAssertTrue(try demoParameters("update").contains("N=4096, bits=[54, 55], scale=2^28"))
        XCTAssertTrue(try demoParameters("reference").contains("N=8192, bits=[31, 26, 26, 26, 26, 26, 26, 31], scale=2^26"))
        XCTAssertTrue(try demoParameters("depth1-rescale").contains("N=4096, bits=[38, 33, 38], scale=2^30"))
    }

    func testTailoredIsRefusedWhereItWasAmbiguous() throws {
        for command in [["ckks", "bench"], ["ckks", "demo"]] {
            let result = try HEDiffProcess.run(command + ["--params", "tailored"])
            XCTAssertNotEqual(result.status, 0)
            XCTAssertTrue(result.stderr.contains("depth1-rescale") && result.stderr.contains("update"), result.stderr)
            XCTAssertTrue(result.stdout.isEmpty)
        }
    }

    func testHEParamsTakesThePresetNamesAndTailoredAsUpdate() throws {
        // --repetitions 0 fails validation, which runs only once every option has been read.
        for name in ["tailored", "update", "reference", "depth1-rescale"] {
            let result = try HEDiffProcess.run(["bench", "step", "--he-params", name, "--repetitions", "0"])
            XCTAssertTrue(result.stderr.contains("--repetitions must be positive"), "\(name): \(result.stderr)")
        }
        let help = try HEDiffProcess.run(["generate", "--help"])
        XCTAssertTrue(help.stdout.contains("depth1-rescale"), help.stdout)
        let unknown = try HEDiffProcess.run(["bench", "step", "--he-params", "tailord"])
        XCTAssertNotEqual(unknown.status, 0)
        XCTAssertTrue(unknown.stderr.contains("tailord"), unknown.stderr)
    }
}
