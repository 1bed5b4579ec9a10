import Foundation

/// One direction of an in-process pipe: a queue of byte chunks guarded by a condition variable.
final class LoopbackPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var head = 0           // index of the chunk being read
    private var offset = 0         // bytes of chunks[head] already read
    private var closed = false

    func push(_ chunk: [UInt8]) throws {
        condition.lock()
        defer { condition.unlock() }
        guard !closed else { throw SecretSharingError.channelClosed }
        chunks.append(chunk)
        condition.signal()
    }

    func close() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }

    /// Copies exactly `buffer.count` bytes, waiting for them at most `timeout` seconds at a time.
    func pop(into buffer: UnsafeMutableRawBufferPointer, timeout: Double) throws {
        condition.lock()
        defer { condition.unlock() }
        var written = 0
        while written < buffer.count {
            while head == chunks.count {
                if closed { throw SecretSharingError.peerClosed(expectedBytes: buffer.count, receivedBytes: written) }
                if !condition.wait(until: Date(timeIntervalSinceNow: timeout)), head == chunks.count {
                    throw SecretSharingError.receiveTimedOut(seconds: timeout)
                }
            }
            let take = min(chunks[head].count - offset, buffer.count - written)
            chunks[head].withUnsafeBytes { source in
                (buffer.baseAddress! + written).copyMemory(from: source.baseAddress! + offset, byteCount: take)
            }
            written += take
            offset += take
            if offset == chunks[head].count {
                chunks[head] = []
                head += 1
                offset = 0
                if head == chunks.count || head > 64 {
                    chunks.removeFirst(head)
                    head = 0
                }
            }
        }
    }
}

/// An in-process channel: both parties in one process, usually on two threads. Counts bytes and
/// flights like the TCP channel, so a protocol's measured cost does not depend on the transport.
public final class LoopbackChannel: Channel, @unchecked Sendable {
    private let incoming: LoopbackPipe
    private let outgoing: LoopbackPipe
    private var buffer: [UInt8] = []
    private var counter = ChannelCounter()
    private let timeout: Double

    /// Sends are delivered in chunks of at most this many bytes, so a long stream overlaps with the
    /// peer's work.
    private static let flushThreshold = 1 << 20

    private init(incoming: LoopbackPipe, outgoing: LoopbackPipe, timeout: Double) {
        self.incoming = incoming
        self.outgoing = outgoing
        self.timeout = timeout
    }

    /// Two connected ends; a receive that waits longer than `timeout` seconds throws `receiveTimedOut`.
    public static func makePair(timeout: Double = 120) -> (LoopbackChannel, LoopbackChannel) {
        let forward = LoopbackPipe(), backward = LoopbackPipe()
        return (LoopbackChannel(incoming: backward, outgoing: forward, timeout: timeout),
                LoopbackChannel(incoming: forward, outgoing: backward, timeout: timeout))
    }

    public var statistics: ChannelStatistics { counter.statistics }

    public func send(_ bytes: UnsafeRawBufferPointer) throws {
        counter.noteSend(bytes.count)
        if bytes.count >= LoopbackChannel.flushThreshold {
            // A large message travels as its own chunk: one copy instead of growing the buffer.
            try flush()
            try outgoing.push(Array(bytes))
            return
        }
        buffer.append(contentsOf: bytes)
        if buffer.count >= LoopbackChannel.flushThreshold { try flush() }
    }

    public func flush() throws {
        guard !buffer.isEmpty else { return }
        let chunk = buffer
        buffer = []
        try outgoing.push(chunk)
    }

    public func receive(into buffer: UnsafeMutableRawBufferPointer) throws {
        try flush()
        try incoming.pop(into: buffer, timeout: timeout)
        counter.noteReceive(buffer.count)
    }

    public func close() {
        try? flush()
        outgoing.close()
        incoming.close()
    }

    deinit {
        try? flush()
        outgoing.close()
        incoming.close()
    }
}
