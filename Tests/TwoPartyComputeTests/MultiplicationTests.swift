import SecretSharing
import TwoPartyCompute
import XCTest
import _TestSupport

/// OT-based products against plain ring arithmetic, and a fixed-point product with truncation.
final class MultiplicationTests: XCTestCase {
    func testProductsAndSquares() throws {
        var g = SeededGenerator(seed: 400)
        let ring = Ring.z37
        var x = (0..<1500).map { _ in ring.random(using: &g) }, y = (0..<1500).map { _ in ring.random(using: &g) }
        x += [0, 1, ring.mask, ring.minimumSigned, ring.mask]
        y += [ring.mask, ring.mask, ring.mask, ring.minimumSigned, 0]
        let (x0, x1) = ring.share(x, using: &g), (y0, y1) = ring.share(y, using: &g)
        let run = try runProtocol { s in
            s.party == .server ? [try s.multiply(x0, y0), try s.square(x0)] : [try s.multiply(x1, y1), try s.square(x1)]
        }
        for i in x.indices {
            XCTAssertEqual(ring.add(run.server[0][i], run.client[0][i]), ring.multiply(x[i], y[i]))
            XCTAssertEqual(ring.add(run.server[1][i], run.client[1][i]), ring.multiply(x[i], x[i]))
        }
        // ℓ COTs of ℓ bits per cross term: two for the product, one for the square.
        let n = x.count
        XCTAssertEqual(run.serverTraffic.bytesSent, iknpColumnBytes(37 * n) + 2 * packedBytes(37 * n, bits: 37))
        XCTAssertEqual(run.clientTraffic.bytesSent, 2 * iknpColumnBytes(37 * n) + packedBytes(37 * n, bits: 37))
    }

    func testFixedPointProductWithTruncation() throws {
        var g = SeededGenerator(seed: 401)
        let encoding = FixedPointEncoding.design
        let ring = encoding.ring
        // |a·b| < 2^11 keeps the 24-fraction-bit product inside the truncation's range.
        let a = (0..<1000).map { _ in Double(Int64(bitPattern: g.next()) % (1 << 20)) / 4096 / 8 }
        let b = (0..<1000).map { _ in Double(Int64(bitPattern: g.next()) % (1 << 20)) / 4096 / 8 }
        let ea = try encoding.encode(a), eb = try encoding.encode(b)
        let (a0, a1) = ring.share(ea, using: &g), (b0, b1) = ring.share(eb, using: &g)
        let run = try runProtocol { s in
            let product = s.party == .server ? try s.multiply(a0, b0) : try s.multiply(a1, b1)
            return try s.truncate(product, by: 12, mode: .exact)
        }
        for i in a.indices {
            // Oracle: the integer product of the encodings, floored by 2^12.
            let expected = (Int64(ring.signedValue(ea[i])) * Int64(ring.signedValue(eb[i]))) >> 12
            XCTAssertEqual(ring.signedValue(ring.add(run.server[i], run.client[i])), expected)
        }
    }
}
