import Foundation
import SecretSharing
import TwoPartyCompute
import XCTest
import _TestSupport

/// Bits and flights per element of each protocol, measured on the channel, and wall time, for
/// BENCHMARKS.md. Not a test: runs only when HEDIFF_BENCH_2PC is set, in a release build:
///
///     HEDIFF_BENCH_2PC=1 swift test -c release --filter ProtocolCostBenchmark
final class ProtocolCostBenchmark: XCTestCase {
    func testProtocolCosts() throws {
        guard ProcessInfo.processInfo.environment["HEDIFF_BENCH_2PC"] != nil else {
            throw XCTSkip("set HEDIFF_BENCH_2PC to run the protocol cost benchmark")
        }
        let n = 1 << 16
        var g = SeededGenerator(seed: 300)
        let ring = Ring.z37
        let limit = Int64(1) << 35
        let values = (0..<n).map { _ in ring.element(Int64(bitPattern: g.next()) % limit) }
        let (x0, x1) = ring.share(values, using: &g)
        let bits = (0..<n).map { _ in UInt8(g.next() & 1) }
        let cases: [(String, @Sendable (TwoPartySession, [UInt64], [UInt8]) throws -> Void)] = [
            ("millionaire, 36-bit inputs", { s, x, _ in _ = try s.lessThan(x.map { $0 & ((1 << 36) - 1) }, bitCount: 36) }),
            ("MSB / DReLU, Z_2^37", { s, x, _ in _ = try s.mostSignificantBit(x) }),
            ("truncation by 12, -1 LSB", { s, x, _ in _ = try s.truncate(x, by: 12, mode: .approximate) }),
            ("truncation by 12, exact", { s, x, _ in _ = try s.truncate(x, by: 12, mode: .exact) }),
            ("truncation by 12, exact, full range", { s, x, _ in _ = try s.truncate(x, by: 12, mode: .exact, range: .full) }),
            ("B2A into Z_2^37", { s, _, b in _ = try s.booleanToArithmetic(b) }),
            ("multiplexer, Z_2^37", { s, x, b in _ = try s.select(b, x) }),
            ("ring extension 37 -> 48 bits", { s, x, _ in _ = try s.extend(x, to: try Ring(bitWidth: 48)) }),
            ("product x·y in Z_2^37 (OT)", { s, x, _ in _ = try s.multiply(x, x) }),
            ("lookup, 2^8 entries of 37 bits", { s, x, _ in
                _ = try s.lookUp(x.map { $0 & 0xFF }, indexBits: 8, table: (0..<256).map { UInt64($0) }, outputRing: ring) }),
        ]
        for (name, body) in cases {
            let start = Date()
            let run = try runProtocol { s in
                try body(s, s.party == .server ? x0 : x1, s.party == .server ? bits : [UInt8](repeating: 0, count: n))
            }
            let seconds = Date().timeIntervalSince(start)
            let total = run.serverTraffic.bytesSent + run.clientTraffic.bytesSent
            print(String(format: "%@: %.1f bits/element (server %.1f, client %.1f), flights server %d client %d, %.3f s for %d elements incl. session setup",
                         name, Double(8 * total) / Double(n), Double(8 * run.serverTraffic.bytesSent) / Double(n),
                         Double(8 * run.clientTraffic.bytesSent) / Double(n), run.serverTraffic.flightsSent,
                         run.clientTraffic.flightsSent, seconds, n))
        }
    }
}
