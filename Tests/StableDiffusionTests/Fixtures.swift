import Foundation

/// Locations of the committed oracle fixtures (Tests/Fixtures, made by tools/fixtures).
enum Fixtures {
    /// `Tests/Fixtures`, found from this source file so tests run from any working directory.
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()
        .deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let tinyModel = root.appendingPathComponent("tiny-sd")
    static let records = root.appendingPathComponent("records")
    /// The tiny model as single-file checkpoints (tools/fixtures/make_single_file_fixtures.py).
    static let singleFile = root.appendingPathComponent("single-file")

    /// A fresh empty directory, removed by the caller's `addTeardownBlock`.
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-sd-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}
