import Foundation

/// Files of this repository that seed the targets whose formats the library does not write
/// (configs, tokenizers, third-party PNGs). Seeds are written from a checkout, so the files are
/// found relative to this source file.
public enum RepositoryFiles {
    /// The repository root: this file is Fuzz/Sources/FuzzSupport/RepositoryFiles.swift.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The bytes of `path`, relative to the root.
    public static func bytes(_ path: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: root.appendingPathComponent(path)))
    }

    /// The bytes of `path` if it exists.
    public static func optionalBytes(_ path: String) -> [UInt8]? {
        try? bytes(path)
    }

    /// The files of the folder `path` whose names end in `suffix`, sorted by name.
    public static func files(in path: String, suffix: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = root.appendingPathComponent(path)
        return try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(suffix) }.sorted()
            .map { ($0, [UInt8](try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }
}
