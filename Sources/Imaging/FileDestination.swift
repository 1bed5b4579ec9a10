import Foundation

/// Where an output file may go, and writing it there atomically.
///
/// A destination is a new path in an existing, writable folder, or an existing regular file
/// (replaced). A symbolic link is followed to what it names, which must itself be one of those.
/// Everything else is refused before anything is written: directories, character and block
/// devices (renaming over `/dev/full` as root would destroy the device node), FIFOs and sockets.
public enum FileDestination {
    /// The file `url` names, symbolic links followed, once it is known to be a valid destination.
    ///
    /// - Throws: `ImageError.writeFailed` naming the path and what is there instead of a regular
    ///   file, or why its folder cannot take a new file.
    public static func resolve(_ url: URL) throws -> URL {
        func refuse(_ reason: String) -> ImageError { .writeFailed(path: url.path, reason: reason) }
        var path = url.path
        var status = stat()
        for _ in 0...maximumLinkCount {
            guard lstat(path, &status) == 0 else {
                guard errno == ENOENT else { throw refuse(String(cString: strerror(errno))) }
                try checkFolder(of: path, refuse)
                return URL(fileURLWithPath: path)
            }
            switch status.st_mode & S_IFMT {
            case S_IFREG:
                try checkFolder(of: path, refuse)
                return URL(fileURLWithPath: path)
            case S_IFLNK:
                guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else {
                    throw refuse("cannot read the symbolic link \(path)")
                }
                path = target.hasPrefix("/")
                    ? target : URL(fileURLWithPath: path).deletingLastPathComponent().appendingPathComponent(target).path
            case S_IFDIR: throw refuse(described(path, "a directory"))
            case S_IFCHR, S_IFBLK: throw refuse(described(path, "a device"))
            case S_IFIFO: throw refuse(described(path, "a FIFO (named pipe)"))
            case S_IFSOCK: throw refuse(described(path, "a socket"))
            default: throw refuse(described(path, "not a regular file"))
            }
        }
        throw refuse("more than \(maximumLinkCount) symbolic links to follow")
    }

    /// Writes `bytes` to the file `url` resolves to: into a temporary file beside it, renamed
    /// into place, so that the destination holds either its old content or all of `bytes`.
    ///
    /// - Throws: `ImageError.writeFailed`; nothing is left at the destination or beside it.
    public static func write(_ bytes: [UInt8], to url: URL) throws {
        let destination = try resolve(url)
        let folder = destination.deletingLastPathComponent()
        let temporary = folder.appendingPathComponent(".\(destination.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            try Data(bytes).write(to: temporary, options: .withoutOverwriting)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw ImageError.writeFailed(path: url.path, reason: error.localizedDescription)
        }
        guard rename(temporary.path, destination.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw ImageError.writeFailed(path: url.path, reason: reason)
        }
    }

    /// As the kernel's limit on links in one path lookup (Linux: 40).
    private static let maximumLinkCount = 40

    private static func described(_ path: String, _ kind: String) -> String {
        "\(path) is \(kind); only a regular file or a new path can be written"
    }

    /// A new or replaced file needs an existing folder that this process may write.
    private static func checkFolder(of path: String, _ refuse: (String) -> ImageError) throws {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw refuse("the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else { throw refuse("the folder \(folder) is not writable") }
    }
}
