import ObliviousTransfer
import SecretSharing
import TwoPartyCompute

/// Runs a protocol between two sessions on two threads over the loopback channel and returns both
/// parties' outputs and the traffic of the protocol itself (session setup excluded).
struct ProtocolRun<Output: Sendable>: Sendable {
    let server: Output
    let client: Output
    let serverTraffic: ChannelStatistics
    let clientTraffic: ChannelStatistics
}

func runProtocol<Output: Sendable>(ring: Ring = .z37,
                                   _ body: @escaping @Sendable (TwoPartySession) throws -> Output) throws -> ProtocolRun<Output> {
    let (serverChannel, clientChannel) = LoopbackChannel.makePair()
    let result = try runTwoParties(server: serverChannel, client: clientChannel, server: { channel in
        let session = try TwoPartySession(party: .server, channel: channel, ring: ring)
        let before = try synchronize(channel)
        let output = try body(session)
        try channel.flush()
        return (output, channel.statistics.since(before))
    }, client: { channel in
        let session = try TwoPartySession(party: .client, channel: channel, ring: ring)
        let before = try synchronize(channel)
        let output = try body(session)
        try channel.flush()
        return (output, channel.statistics.since(before))
    })
    return ProtocolRun(server: result.server.0, client: result.client.0,
                       serverTraffic: result.server.1, clientTraffic: result.client.1)
}

/// A one-byte simultaneous exchange after session setup, so that both parties' last action is a receive
/// and the protocol's first send starts a flight of its own; returns the counters after it.
private func synchronize(_ channel: any Channel) throws -> ChannelStatistics {
    try channel.send([0])
    _ = try channel.receiveBytes(count: 1)
    return channel.statistics
}

/// Bytes of IKNP columns for `count` OTs in one call: 128 rows of ⌈n/128⌉ blocks per batch of 2^16 OTs.
func iknpColumnBytes(_ count: Int) -> Int {
    var total = 0, left = count
    while left > 0 {
        let n = min(left, 1 << 16)
        total += 16 * 128 * ((n + 127) / 128)
        left -= n
    }
    return total
}

/// ⌈bits/8⌉.
func packedBytes(_ count: Int, bits: Int) -> Int { (count * bits + 7) / 8 }

/// Cost of `lessThan` on n elements of `bits` bits, per the protocol's formula: q digits of 4 bits
/// (1-out-of-16 OT: 4 random OTs and 16·2 message bits per digit), then a tree of Beaver ANDs (two random
/// OTs per triple, 2 opened bits per AND per party, one exchange per level).
func millionaireCost(n: Int, bits: Int) -> (serverBytes: Int, clientBytes: Int, serverFlights: Int, clientFlights: Int) {
    let leaf = min(4, bits)
    let q = (bits + leaf - 1) / leaf
    var ands = 0, levels = 0, openBytes = 0, width = q
    while width > 1 {
        let pairs = width / 2
        let levelANDs = (2 * pairs - 1) * n  // eq of the lowest node is never needed
        ands += levelANDs
        openBytes += packedBytes(2 * levelANDs, bits: 1)
        levels += 1
        width = pairs + width % 2
    }
    let server = packedBytes(q * n * (1 << leaf), bits: 2) + iknpColumnBytes(ands) + openBytes
    let client = iknpColumnBytes(q * n * leaf) + iknpColumnBytes(ands) + openBytes
    // Server: digit messages, then its triple columns with the first exchange, then one per level.
    // Client: digit and triple columns together, then one per level.
    return (server, client, 1 + levels, 1 + levels)
}
