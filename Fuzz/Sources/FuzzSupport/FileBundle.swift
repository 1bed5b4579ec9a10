import Foundation

/// Several files in one fuzz input: sections separated by the two bytes FF 00 (never in UTF-8 text,
/// so the JSON and text files these bundles hold do not contain it), written to fixed relative
/// paths in a scratch folder. A missing or empty section leaves its file absent. The paths come
/// from the target, never from the input, so mutated inputs cannot write outside the folder.
public struct FileBundle {
    public static let separator: [UInt8] = [0xFF, 0x00]

    /// Relative paths of the sections, in order.
    public let paths: [String]
    /// The scratch folder the files are written into (removed when the process exits).
    public let folder: URL

    public init(paths: [String], name: String) throws {
        self.paths = paths
        folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("hediff-fuzz-\(name)-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.removeItem(at: folder)
        for path in paths {
            let parent = folder.appendingPathComponent(path).deletingLastPathComponent()
            try FileManager.default.createDirectory(at: parent, withIntermediateDirectories: true)
        }
        let cleanup = folder.path
        atexit_b { try? FileManager.default.removeItem(atPath: cleanup) }
    }

    /// The input split at the separators (at most one section per path; the rest joins the last).
    public func sections(of bytes: [UInt8]) -> [[UInt8]] {
        var sections: [[UInt8]] = []
        var start = 0
        var i = 0
        while i + 1 < bytes.count, sections.count < paths.count - 1 {
            if bytes[i] == Self.separator[0], bytes[i + 1] == Self.separator[1] {
                sections.append(Array(bytes[start..<i]))
                i += 2
                start = i
            } else {
                i += 1
            }
        }
        sections.append(Array(bytes[start...]))
        return sections
    }

    /// Writes the sections of `bytes` to their paths and removes the files of absent sections.
    public func write(_ bytes: [UInt8]) {
        let sections = sections(of: bytes)
        for (index, path) in paths.enumerated() {
            let url = folder.appendingPathComponent(path)
            if index < sections.count, !sections[index].isEmpty {
                do {
                    try Data(sections[index]).write(to: url)
                } catch {
                    fatalError("cannot write the scratch file \(url.path): \(error)")
                }
            } else {
                unlink(url.path)
            }
        }
    }

    /// One input from the given file contents (nil: absent), in `paths` order.
    public static func join(_ files: [[UInt8]?]) -> [UInt8] {
        var bytes: [UInt8] = []
        for (index, file) in files.enumerated() {
            if index > 0 { bytes += separator }
            bytes += file ?? []
        }
        return bytes
    }
}

/// `atexit` with a Swift closure (one per process is all the bundles need).
private func atexit_b(_ body: @escaping () -> Void) {
    exitHandlers.append(body)
    if exitHandlers.count == 1 {
        atexit { for handler in exitHandlers { handler() } }
    }
}

nonisolated(unsafe) private var exitHandlers: [() -> Void] = []
