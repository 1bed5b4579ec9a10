import Foundation
import Imaging
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Writing replaces only a regular file or creates a new path: directories, devices, FIFOs, sockets
/// and symbolic links to them are refused before anything is written, and stay what they were. The
/// device cases go through a link in a temporary folder (or only `resolve`, which writes nothing),
/// so that even a broken check could only ever replace the link, never a real device node.
final class FileDestinationTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-destination-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    private let image = Result { try PixelImage(width: 2, height: 1, channelCount: 3, pixels: [1, 2, 3, 4, 5, 6]) }

    /// `lstat`'s file type of `path`.
    private func fileType(_ path: String) -> mode_t {
        var status = stat()
        XCTAssertEqual(lstat(path, &status), 0, path)
        return status.st_mode & S_IFMT
    }

    private func assertRefused(_ url: URL, mentioning fragment: String, line: UInt = #line) throws {
        XCTAssertThrowsError(try PNG.write(image.get(), to: url), line: line) { error in
            guard case let .writeFailed(_, reason)? = error as? ImageError else { return XCTFail("\(error)", line: line) }
            XCTAssertTrue(reason.contains(fragment), reason, line: line)
        }
    }

    func testFIFOAndLinksToFIFOsAreRefusedAndKept() throws {
        let fifo = folder.appendingPathComponent("pipe")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        let link = folder.appendingPathComponent("link.png")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "pipe")
        try assertRefused(fifo, mentioning: "FIFO")
        try assertRefused(link, mentioning: "FIFO")
        XCTAssertEqual(fileType(fifo.path), S_IFIFO)
        XCTAssertEqual(fileType(link.path), S_IFLNK)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["link.png", "pipe"])
    }

    /// A Unix socket bound to a path in the folder: refused, directly and through a link, and still a
    /// socket afterwards.
    func testSocketsAndLinksToSocketsAreRefusedAndKept() throws {
        let socketPath = folder.appendingPathComponent("listener").path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard socketPath.utf8.count < capacity else { return XCTFail("\(socketPath) is too long for sun_path") }
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return XCTFail("socket: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: socketPath.utf8)
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { return XCTFail("bind: \(String(cString: strerror(errno)))") }
        let link = folder.appendingPathComponent("link.png")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "listener")
        try assertRefused(URL(fileURLWithPath: socketPath), mentioning: "socket")
        try assertRefused(link, mentioning: "socket")
        XCTAssertEqual(fileType(socketPath), S_IFSOCK)
        XCTAssertEqual(fileType(link.path), S_IFLNK)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["link.png", "listener"])
    }

    func testDevicesAndDirectoriesAreRefused() throws {
        let link = folder.appendingPathComponent("null.png")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "/dev/null")
        try assertRefused(link, mentioning: "device")
        XCTAssertEqual(fileType(link.path), S_IFLNK, "the link was not replaced")
        for device in ["/dev/null", "/dev/full"] {
            XCTAssertThrowsError(try FileDestination.resolve(URL(fileURLWithPath: device)), device)
        }
        let directory = folder.appendingPathComponent("sub.png")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        try assertRefused(directory, mentioning: "directory")
        try assertRefused(folder.appendingPathComponent("missing/out.png"), mentioning: "does not exist")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["null.png", "sub.png"])
    }

    /// A link to a regular file writes the file it names and stays a link.
    func testLinkToRegularFileWritesTheTarget() throws {
        let target = folder.appendingPathComponent("target.png")
        try Data("old".utf8).write(to: target)
        let link = folder.appendingPathComponent("link.png")
        try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: "target.png")
        try PNG.write(image.get(), to: link)
        XCTAssertEqual(fileType(link.path), S_IFLNK)
        XCTAssertEqual(try PNG.read(from: target), try image.get())
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted(), ["link.png", "target.png"])
    }

    /// Reading a FIFO would block for ever; it is refused as not a regular file.
    func testReadRefusesAFIFO() throws {
        let fifo = folder.appendingPathComponent("pipe.png")
        XCTAssertEqual(mkfifo(fifo.path, 0o600), 0)
        XCTAssertThrowsError(try PNG.read(from: fifo)) { error in
            XCTAssertEqual(error as? ImageError, .readFailed(path: fifo.path, reason: "not a regular file"))
        }
    }
}
