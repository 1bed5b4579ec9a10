import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Bad numbers, oversized requests and unwritable outputs end in one clear error line, a
/// non-zero exit and no output, quickly (each run is killed after a minute, so a hang fails).
final class CLIInputLimitTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-limits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `generate` on the tiny fixture model with `arguments` and checks the failure's shape;
    /// returns the error line.
    @discardableResult
    private func assertRefused(
        _ arguments: [String], output: String? = nil, mentioning fragments: [String], line: UInt = #line
    ) throws -> String {
        let output = output ?? folder.appendingPathComponent("never.png").path
        let result = try HEDiffProcess.run(
            ["generate", "--model", CLITests.tinyModel, "--prompt", "x", "--output", output] + arguments, timeout: 60)
        XCTAssertGreaterThan(result.status, 0, "\(arguments): \(result.stderr)", line: line)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("Error:") || $0.hasPrefix("error:") }
        XCTAssertEqual(errors.count, 1, "\(arguments): \(result.stderr)", line: line)
        let message = errors.first.map(String.init) ?? ""
        for fragment in fragments {
            XCTAssertTrue(message.contains(fragment), "\(arguments): \(message)", line: line)
        }
        XCTAssertFalse(message.contains("Missing value"), "\(arguments): \(message)", line: line)
        XCTAssertEqual(
            try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".png") || $0.hasSuffix(".tmp") },
            [], "\(arguments) left a file", line: line)
        return message
    }

    /// A leading minus is read as the option's value, so validation names the option.
    func testNegativeNumbersReachValidation() throws {
        try assertRefused(["--width", "-8"], mentioning: ["--width", "-8"])
        try assertRefused(["--height", "-16"], mentioning: ["--height", "-16"])
        try assertRefused(["--steps", "-1"], mentioning: ["--steps"])
        try assertRefused(["--batch-size", "-2"], mentioning: ["--batch-size"])
        try assertRefused(["--eta", "-0.5"], mentioning: ["--eta"])
        try assertRefused(["--image", "in.png", "--strength", "-1"], mentioning: ["--strength"])
        try assertRefused(["--guidance", "-inf"], mentioning: ["--guidance"])
        try assertRefused(["--seed", "-1"], mentioning: ["--seed", "-1"])
    }

    /// 100000² asks for 625 M noise values; a billion images for as many file names.
    func testOversizedRequestsAreRefusedUpFront() throws {
        try assertRefused(["--width", "100000", "--height", "100000"], mentioning: ["width", "100000", "2048"])
        try assertRefused(["--width", "2048", "--height", "2048", "--batch-size", "2"], mentioning: ["batch"])
        try assertRefused(["--batch-size", "1000000000"], mentioning: ["1000000000"])
    }

    /// Outputs that are not a regular file or a new path are refused before the run and left as
    /// they were. Devices are reached through a link in the temporary folder, never named directly:
    /// even a broken check could then replace only the link.
    func testSpecialOutputsAreRefusedAndKept() throws {
        let fifo = folder.appendingPathComponent("pipe").path
        XCTAssertEqual(mkfifo(fifo, 0o600), 0)
        try assertRefused([], output: fifo, mentioning: ["FIFO"])
        let null = folder.appendingPathComponent("null-link").path
        try FileManager.default.createSymbolicLink(atPath: null, withDestinationPath: "/dev/null")
        try assertRefused([], output: null, mentioning: ["device"])
        try assertRefused([], output: folder.path, mentioning: ["directory"])
        var status = stat()
        XCTAssertEqual(lstat(fifo, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFIFO)
        XCTAssertEqual(lstat(null, &status), 0)
        XCTAssertEqual(status.st_mode & S_IFMT, S_IFLNK)
    }
}
