import SecretSharing

/// Wraps a channel and keeps a copy of everything received: the receiver's view of a protocol, for
/// tests that check what that view does not reveal.
final class RecordingChannel: Channel, @unchecked Sendable {
    let inner: any Channel
    private(set) var received: [UInt8] = []

    init(_ inner: any Channel) { self.inner = inner }

    func send(_ bytes: UnsafeRawBufferPointer) throws { try inner.send(bytes) }
    func flush() throws { try inner.flush() }
    func close() { inner.close() }
    var statistics: ChannelStatistics { inner.statistics }

    func receive(into buffer: UnsafeMutableRawBufferPointer) throws {
        try inner.receive(into: buffer)
        received.append(contentsOf: UnsafeRawBufferPointer(buffer))
    }
}
