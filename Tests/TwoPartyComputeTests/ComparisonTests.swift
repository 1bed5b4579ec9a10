import SecretSharing
import TwoPartyCompute
import XCTest
import _TestSupport

/// Comparisons and ReLU against plain signed integers, over TCP (the protocols' transport-independence).
final class ComparisonTests: XCTestCase {
    func testComparisonsAndReLUOverTCP() throws {
        var g = SeededGenerator(seed: 500)
        let ring = Ring.z37
        let limit = Int64(1) << 35
        var x = (0..<2000).map { _ in Int64(bitPattern: g.next()) % limit }
        var y = (0..<2000).map { _ in Int64(bitPattern: g.next()) % limit }
        x += [0, -1, 5, limit - 1, -limit + 1, 7]
        y += [0, 0, 5, -limit + 1, limit - 1, 8]
        let threshold: Int64 = -3 * 4096
        x += [threshold, threshold - 1, threshold + 1]
        y += [0, 0, 0]
        let (x0, x1) = ring.share(x.map { ring.element($0) }, using: &g)
        let (y0, y1) = ring.share(y.map { ring.element($0) }, using: &g)
        let listener = try TCPListener()
        let clientChannel = try TCPChannel.connect(port: listener.port)
        let serverChannel = try listener.accept()
        let result = try runTwoParties(server: serverChannel, client: clientChannel, server: { channel in
            let s = try TwoPartySession(party: .server, channel: channel)
            return [try s.lessThan(x0, y0).map { UInt64($0) }, try s.lessThan(x0, publicThreshold: threshold).map { UInt64($0) }, try s.relu(x0)]
        }, client: { channel in
            let s = try TwoPartySession(party: .client, channel: channel)
            return [try s.lessThan(x1, y1).map { UInt64($0) }, try s.lessThan(x1, publicThreshold: threshold).map { UInt64($0) }, try s.relu(x1)]
        })
        for i in x.indices {
            XCTAssertEqual(result.server[0][i] ^ result.client[0][i], x[i] < y[i] ? 1 : 0, "\(x[i]) < \(y[i])")
            XCTAssertEqual(result.server[1][i] ^ result.client[1][i], x[i] < threshold ? 1 : 0, "\(x[i]) < t")
            XCTAssertEqual(ring.signedValue(ring.add(result.server[2][i], result.client[2][i])), max(x[i], 0))
        }
    }
}
