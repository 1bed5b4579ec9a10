import Foundation
import ObliviousTransfer
import SecretSharing

/// The figures `hediff bench 2pc --json` prints, measured on a channel pair: correlated-OT
/// throughput and the measured cost of a DReLU comparison and a truncation in the design's ring.
///
/// Rounds are reported as the larger of the two parties' flight counts (`ChannelStatistics`): each flight
/// waits for the other party's previous one, so that many message latencies at least lie on the path.
public struct TwoPartyBenchmarkReport: Codable, Sendable, Equatable {
    public var transport: String
    public var cotCount: Int
    public var cotPerSecond: Double
    public var cotPerCoreSecond: Double
    public var comparisonBitsPerElement: Double
    public var comparisonRounds: Int
    public var truncationBitsPerElement: Double
    public var truncationRounds: Int
    public var exactTruncationBitsPerElement: Double
    public var elements: Int

    enum CodingKeys: String, CodingKey {
        case transport
        case cotCount = "cot_count"
        case cotPerSecond = "cot_per_second"
        case cotPerCoreSecond = "cot_per_core_second"
        case comparisonBitsPerElement = "comparison_bits_per_element"
        case comparisonRounds = "comparison_rounds"
        case truncationBitsPerElement = "truncation_bits_per_element"
        case truncationRounds = "truncation_rounds"
        case exactTruncationBitsPerElement = "exact_truncation_bits_per_element"
        case elements
    }
}

/// Runs the measurements behind `TwoPartyBenchmarkReport`.
public enum TwoPartyBenchmark {
    public enum Transport: String, Sendable { case loopback, tcp }

    /// A connected channel pair of the given kind on this machine.
    public static func channels(_ transport: Transport) throws -> (server: any Channel, client: any Channel) {
        switch transport {
        case .loopback:
            let (server, client) = LoopbackChannel.makePair()
            return (server, client)
        case .tcp:
            let listener = try TCPListener()
            let client = try TCPChannel.connect(port: listener.port)
            return (try listener.accept(), client)
        }
    }

    /// `cotCount` correlated OTs in Z_{2^37}, then DReLU and truncation by 12 (both modes) on `elements`
    /// random shared values of the design's encoding.
    public static func run(transport: Transport, cotCount: Int = 1 << 22, elements: Int = 1 << 14) throws -> TwoPartyBenchmarkReport {
        let otChannels = try channels(transport)
        let ot = try OTBenchmark.correlatedOT(count: cotCount, ring: .z37, server: otChannels.server, client: otChannels.client)
        let ring = Ring.z37
        var generator = SecureRandom.generator()
        let limit = UInt64(1) << 35
        let values = (0..<elements).map { _ in ring.element(Int64(generator.next() % limit) - Int64(limit / 2)) }
        let (x0, x1) = ring.share(values, using: &generator)
        let protocolChannels = try channels(transport)
        let result = try runTwoParties(server: protocolChannels.server, client: protocolChannels.client, server: { channel in
            try measure(.server, channel, x0)
        }, client: { channel in
            try measure(.client, channel, x1)
        })
        func bits(_ k: Int) -> Double { Double(8 * (result.server[k].bytes + result.client[k].bytes)) / Double(elements) }
        func rounds(_ k: Int) -> Int { max(result.server[k].flights, result.client[k].flights) }
        return TwoPartyBenchmarkReport(
            transport: transport.rawValue, cotCount: cotCount, cotPerSecond: ot.otsPerSecond,
            cotPerCoreSecond: ot.otsPerCoreSecond, comparisonBitsPerElement: bits(0), comparisonRounds: rounds(0),
            truncationBitsPerElement: bits(1), truncationRounds: rounds(1), exactTruncationBitsPerElement: bits(2),
            elements: elements)
    }

    /// One party: session setup, a one-byte exchange (so each measured protocol starts its own flight),
    /// then DReLU, approximate and exact truncation, each measured on the channel.
    private static func measure(_ party: Party, _ channel: any Channel, _ shares: [UInt64]) throws -> [(bytes: Int, flights: Int)] {
        let session = try TwoPartySession(party: party, channel: channel)
        var costs: [(bytes: Int, flights: Int)] = []
        let steps: [(TwoPartySession) throws -> Void] = [
            { _ = try $0.nonNegative(shares) },
            { _ = try $0.truncate(shares, by: 12, mode: .approximate) },
            { _ = try $0.truncate(shares, by: 12, mode: .exact) },
        ]
        for step in steps {
            try channel.send([0])
            _ = try channel.receiveBytes(count: 1)
            let before = channel.statistics
            try step(session)
            try channel.flush()
            let spent = channel.statistics.since(before)
            costs.append((spent.bytesSent, spent.flightsSent))
        }
        return costs
    }
}
