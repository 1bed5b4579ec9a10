import Foundation
import Imaging
import XCTest

/// An `hediff` copied out of the checkout into the layout `make install PREFIX=…` writes
/// (`PREFIX/bin/hediff`, `PREFIX/share/hediff/tiny-shapes/`) uses the model installed beside it.
final class InstalledBinaryTests: XCTestCase {
    func testInstalledCopyUsesTheInstalledModel() throws {
        let prefix = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-prefix-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: prefix) }
        let files = FileManager.default
        try files.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try files.createDirectory(at: prefix.appendingPathComponent("share/hediff"), withIntermediateDirectories: true)
        let binary = prefix.appendingPathComponent("bin/hediff")
        try files.copyItem(at: HEDiffProcess.binary, to: binary)
        // The test fixture stands in for the installed model: its native size is 32 px (UNet
        // sample_size 16 × VAE factor 2); the checkout's tiny-shapes would give 64 px.
        try files.copyItem(
            at: URL(fileURLWithPath: CLITests.tinyModel), to: prefix.appendingPathComponent("share/hediff/tiny-shapes"))
        let output = prefix.appendingPathComponent("out.png")
        let result = try HEDiffProcess.run(
            ["generate", "--prompt", "a red circle", "--steps", "1", "--output", output.path], executable: binary,
            timeout: 300)
        XCTAssertEqual(result.status, 0, result.stderr)
        let image = try PNG.read(from: output)
        XCTAssertEqual([image.width, image.height], [32, 32], "the installed model, not the checkout's")
    }
}
