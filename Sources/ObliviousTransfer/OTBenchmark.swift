#if canImport(Glibc)
import Glibc
#endif
import Foundation
import SecretSharing

/// What one correlated-OT throughput run measured. The extension phase only: base OTs run once per
/// session and are excluded.
public struct CorrelatedOTMeasurement: Sendable {
    /// OTs extended.
    public let count: Int
    /// Wall-clock seconds of the extension, the slower party's.
    public let wallSeconds: Double
    /// CPU seconds each party's thread spent (independent of other load on the machine).
    public let senderCPUSeconds: Double
    public let receiverCPUSeconds: Double
    /// Bytes each party sent during the extension.
    public let senderBytes: Int
    public let receiverBytes: Int

    /// OTs per wall-clock second, both parties running at once.
    public var otsPerSecond: Double { Double(count) / wallSeconds }
    /// OTs per CPU-second of the busier party: the rate one core sustains for one party.
    public var otsPerCoreSecond: Double { Double(count) / max(senderCPUSeconds, receiverCPUSeconds) }
}

/// Throughput of the correlated OT (`IKNPSender.sendCorrelated`) the two-party protocols use.
public enum OTBenchmark {
    /// Runs `count` correlated OTs over Z_{2^ℓ} in calls of `chunk`, the sender on `server`, the receiver on
    /// `client`, each on its own thread.
    public static func correlatedOT(count: Int, chunk: Int = 1 << 16, ring: Ring,
                                    server: any Channel, client: any Channel) throws -> CorrelatedOTMeasurement {
        var generator = SecureRandom.generator()
        let choices = (0..<min(chunk, count)).map { _ in generator.next() & 1 == 1 }
        let correlations = (0..<min(chunk, count)).map { _ in ring.random(using: &generator) }
        let result = try runTwoParties(server: server, client: client, server: { channel in
            let ot = try IKNPSender(channel: channel)
            let before = channel.statistics
            let (wall, cpu) = try timed {
                var done = 0
                while done < count {
                    let n = min(chunk, count - done)
                    _ = try ot.sendCorrelated(n == correlations.count ? correlations : Array(correlations[0..<n]), ring: ring)
                    done += n
                }
                try channel.flush()
            }
            return (wall, cpu, channel.statistics.since(before).bytesSent)
        }, client: { channel in
            let ot = try IKNPReceiver(channel: channel)
            let before = channel.statistics
            let (wall, cpu) = try timed {
                var done = 0
                while done < count {
                    let n = min(chunk, count - done)
                    _ = try ot.receiveCorrelated(choices: n == choices.count ? choices : Array(choices[0..<n]), ring: ring)
                    done += n
                }
            }
            return (wall, cpu, channel.statistics.since(before).bytesSent)
        })
        return CorrelatedOTMeasurement(count: count, wallSeconds: max(result.server.0, result.client.0),
                                       senderCPUSeconds: result.server.1, receiverCPUSeconds: result.client.1,
                                       senderBytes: result.server.2, receiverBytes: result.client.2)
    }

    /// Wall-clock and this thread's CPU seconds of `body`.
    private static func timed(_ body: () throws -> Void) rethrows -> (Double, Double) {
        func threadCPU() -> Double {
            var ts = timespec()
            clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
            return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
        }
        let wallStart = Date(), cpuStart = threadCPU()
        try body()
        return (Date().timeIntervalSince(wallStart), threadCPU() - cpuStart)
    }
}
