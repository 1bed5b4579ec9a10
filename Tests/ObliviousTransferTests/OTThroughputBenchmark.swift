import Foundation
import ObliviousTransfer
import SecretSharing
import XCTest

/// The correlated-OT throughput benchmark (BENCHMARKS.md). Not a test: it runs only when
/// HEDIFF_BENCH_OT is set (to the number of OTs, or 1 for 2^24), in a release build:
///
///     HEDIFF_BENCH_OT=1 swift test -c release --filter OTThroughputBenchmark
final class OTThroughputBenchmark: XCTestCase {
    func testCorrelatedOTThroughput() throws {
        guard let setting = ProcessInfo.processInfo.environment["HEDIFF_BENCH_OT"] else {
            throw XCTSkip("set HEDIFF_BENCH_OT to run the OT throughput benchmark")
        }
        let count = Int(setting).flatMap { $0 > 1 ? $0 : nil } ?? (1 << 24)
        let (loopServer, loopClient) = LoopbackChannel.makePair()
        let loopback = try OTBenchmark.correlatedOT(count: count, ring: .z37, server: loopServer, client: loopClient)
        let listener = try TCPListener()
        let tcpClient = try TCPChannel.connect(port: listener.port)
        let tcpServer = try listener.accept()
        let tcp = try OTBenchmark.correlatedOT(count: count, ring: .z37, server: tcpServer, client: tcpClient)
        for (name, m) in [("loopback", loopback), ("tcp", tcp)] {
            print(String(format: "COT %@: %d OTs (Z_2^37), wall %.3f s = %.2f M/s; CPU sender %.3f s, receiver %.3f s = %.2f M/s per core; bytes sender %d, receiver %d",
                         name, m.count, m.wallSeconds, m.otsPerSecond / 1e6, m.senderCPUSeconds, m.receiverCPUSeconds,
                         m.otsPerCoreSecond / 1e6, m.senderBytes, m.receiverBytes))
        }
    }
}
