/// Which of the two parties a protocol step runs as. The server holds the model, the client the input
/// (private-unet/DESIGN.md §1); protocols use the role to decide who sends first and who plays which part.
public enum Party: Int, Sendable, CaseIterable {
    case server = 0
    case client = 1

    /// The other party.
    public var peer: Party { self == .server ? .client : .server }
}

/// Counters a channel keeps: payload bytes each way and *flights*, a flight being a maximal run of sends
/// not interrupted by a receive. A protocol whose parties alternate k times shows k flights in total;
/// a simultaneous exchange (both send, then both receive) shows one flight at each end.
public struct ChannelStatistics: Sendable, Equatable {
    public var bytesSent = 0
    public var bytesReceived = 0
    public var flightsSent = 0

    public init() {}

    /// The difference `self − earlier`: what a protocol step cost.
    public func since(_ earlier: ChannelStatistics) -> ChannelStatistics {
        var d = ChannelStatistics()
        d.bytesSent = bytesSent - earlier.bytesSent
        d.bytesReceived = bytesReceived - earlier.bytesReceived
        d.flightsSent = flightsSent - earlier.flightsSent
        return d
    }
}

/// One end of a reliable, ordered byte stream between the two parties.
///
/// Sends are buffered; `flush()` delivers them, and every receive flushes first, so a party never waits
/// for an answer to a message still sitting in its own buffer. An end belongs to one thread at a time.
/// Receivers get exactly the bytes they ask for or an error (peer closed, timeout) — never a short read.
public protocol Channel: AnyObject, Sendable {
    /// Queues bytes for the peer.
    func send(_ bytes: UnsafeRawBufferPointer) throws
    /// Fills `buffer` completely with the peer's next bytes.
    func receive(into buffer: UnsafeMutableRawBufferPointer) throws
    /// Delivers queued bytes.
    func flush() throws
    /// Closes this end; the peer's pending and later receives fail with `peerClosed`.
    func close()
    /// Bytes and flights so far.
    var statistics: ChannelStatistics { get }
}

extension Channel {
    public func send(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try send($0) }
    }

    public func receiveBytes(count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        try bytes.withUnsafeMutableBytes { try receive(into: $0) }
        return bytes
    }

    /// Sends w-bit values densely packed (`BitPacking`): ⌈n·w/8⌉ bytes.
    public func send(packed values: [UInt64], bitWidth: Int) throws {
        try send(try BitPacking.pack(values, bitWidth: bitWidth))
    }

    /// Receives `count` values sent by `send(packed:bitWidth:)`; rejects non-zero padding.
    public func receivePacked(count: Int, bitWidth: Int) throws -> [UInt64] {
        let bytes = try receiveBytes(count: BitPacking.byteCount(count: count, bitWidth: bitWidth))
        return try BitPacking.unpack(bytes, count: count, bitWidth: bitWidth)
    }

    /// Sends ring elements in ℓ bits each.
    public func send(elements: [UInt64], of ring: Ring) throws {
        try send(packed: elements, bitWidth: ring.bitWidth)
    }

    /// Receives `count` ring elements of ℓ bits each.
    public func receiveElements(count: Int, of ring: Ring) throws -> [UInt64] {
        try receivePacked(count: count, bitWidth: ring.bitWidth)
    }
}

/// Byte and flight bookkeeping shared by the channel implementations.
struct ChannelCounter {
    private(set) var statistics = ChannelStatistics()
    private var lastWasSend = false

    mutating func noteSend(_ count: Int) {
        guard count > 0 else { return }
        if !lastWasSend { statistics.flightsSent += 1 }
        lastWasSend = true
        statistics.bytesSent += count
    }

    mutating func noteReceive(_ count: Int) {
        guard count > 0 else { return }
        lastWasSend = false
        statistics.bytesReceived += count
    }
}
