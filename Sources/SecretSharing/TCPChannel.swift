#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A channel over a TCP connection (IPv4; the private U-Net runs it on loopback). Nagle's algorithm is
/// off, sends never raise SIGPIPE, and a receive that waits longer than the timeout fails instead of
/// hanging. The stream carries protocol messages back to back with no framing: every message size is
/// fixed by the public parameters, and readers validate what they decode.
public final class TCPChannel: Channel, @unchecked Sendable {
    private var descriptor: Int32
    private var buffer: [UInt8] = []
    private var counter = ChannelCounter()
    private let timeout: Double
    private static let flushThreshold = 1 << 20

    init(descriptor: Int32, timeout: Double) throws {
        self.descriptor = descriptor
        self.timeout = timeout
        var one: Int32 = 1
        guard setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw SecretSharingError.socketFailure(operation: "setsockopt(TCP_NODELAY)", code: code)
        }
        var interval = timeval(tv_sec: Int(timeout), tv_usec: Int((timeout - timeout.rounded(.down)) * 1e6))
        guard setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &interval, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
            let code = errno
            Glibc.close(descriptor)
            throw SecretSharingError.socketFailure(operation: "setsockopt(SO_RCVTIMEO)", code: code)
        }
    }

    /// Connects to a listening party at `host`:`port` (dotted-quad IPv4).
    public static func connect(host: String = "127.0.0.1", port: UInt16, timeout: Double = 120) throws -> TCPChannel {
        var address = try socketAddress(host: host, port: port)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SecretSharingError.socketFailure(operation: "socket", code: errno) }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            throw SecretSharingError.socketFailure(operation: "connect", code: code)
        }
        return try TCPChannel(descriptor: fd, timeout: timeout)
    }

    static func socketAddress(host: String, port: UInt16) throws -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { throw SecretSharingError.invalidAddress(host) }
        return address
    }

    public var statistics: ChannelStatistics { counter.statistics }

    public func send(_ bytes: UnsafeRawBufferPointer) throws {
        guard descriptor >= 0 else { throw SecretSharingError.channelClosed }
        counter.noteSend(bytes.count)
        buffer.append(contentsOf: bytes)
        if buffer.count >= TCPChannel.flushThreshold { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        guard descriptor >= 0 else { throw SecretSharingError.channelClosed }
        try buffer.withUnsafeBytes { raw in
            var written = 0
            while written < raw.count {
                let n = Glibc.send(descriptor, raw.baseAddress! + written, raw.count - written, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SecretSharingError.socketFailure(operation: "send", code: errno)
                }
                written += n
            }
        }
        buffer.removeAll(keepingCapacity: true)
    }

    public func receive(into destination: UnsafeMutableRawBufferPointer) throws {
        try flush()
        guard descriptor >= 0 else { throw SecretSharingError.channelClosed }
        var received = 0
        while received < destination.count {
            let n = recv(descriptor, destination.baseAddress! + received, destination.count - received, 0)
            if n == 0 { throw SecretSharingError.peerClosed(expectedBytes: destination.count, receivedBytes: received) }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw SecretSharingError.receiveTimedOut(seconds: timeout) }
                throw SecretSharingError.socketFailure(operation: "recv", code: errno)
            }
            received += n
        }
        counter.noteReceive(destination.count)
    }

    /// Flushes, then shuts the connection down both ways (the peer's receives see end of stream) and
    /// releases the descriptor.
    public func close() {
        guard descriptor >= 0 else { return }
        try? flush()
        shutdown(descriptor, Int32(SHUT_RDWR))
        Glibc.close(descriptor)
        descriptor = -1
    }

    deinit { close() }
}

/// A listening TCP socket that accepts one party's connection.
public final class TCPListener: @unchecked Sendable {
    private var descriptor: Int32
    /// The bound port (the kernel picks one when 0 was asked for).
    public let port: UInt16

    /// Listens on `host`:`port`; port 0 picks a free port, read back from `port`.
    public init(host: String = "127.0.0.1", port: UInt16 = 0) throws {
        var address = try TCPChannel.socketAddress(host: host, port: port)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SecretSharingError.socketFailure(operation: "socket", code: errno) }
        var one: Int32 = 1
        _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 1) == 0 else {
            let code = errno
            Glibc.close(fd)
            throw SecretSharingError.socketFailure(operation: "bind/listen", code: code)
        }
        var actual = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &actual) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else {
            let code = errno
            Glibc.close(fd)
            throw SecretSharingError.socketFailure(operation: "getsockname", code: code)
        }
        self.descriptor = fd
        self.port = UInt16(bigEndian: actual.sin_port)
    }

    /// Waits for the peer to connect.
    public func accept(timeout: Double = 120) throws -> TCPChannel {
        guard descriptor >= 0 else { throw SecretSharingError.channelClosed }
        var pollDescriptor = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&pollDescriptor, 1, Int32(min(timeout * 1000, Double(Int32.max))))
        guard ready > 0 else {
            if ready == 0 { throw SecretSharingError.receiveTimedOut(seconds: timeout) }
            throw SecretSharingError.socketFailure(operation: "poll", code: errno)
        }
        let fd = Glibc.accept(descriptor, nil, nil)
        guard fd >= 0 else { throw SecretSharingError.socketFailure(operation: "accept", code: errno) }
        return try TCPChannel(descriptor: fd, timeout: timeout)
    }

    public func close() {
        guard descriptor >= 0 else { return }
        Glibc.close(descriptor)
        descriptor = -1
    }

    deinit { close() }
}
