import SecretSharing
import XCTest
import _TestSupport

/// Fixed-point encoding against exact integer arithmetic on x·2^f.
final class FixedPointEncodingTests: XCTestCase {
    func testRoundTripAndRounding() throws {
        let encoding = FixedPointEncoding.design
        XCTAssertEqual(encoding.ring.bitWidth, 37)
        XCTAssertEqual(encoding.fractionBits, 12)
        XCTAssertEqual(try encoding.encode(1.0), 4096)
        XCTAssertEqual(try encoding.encode(-1.0), encoding.ring.element(-4096))
        XCTAssertEqual(try encoding.encode(0.5 / 4096), 0)         // tie to even
        XCTAssertEqual(try encoding.encode(1.5 / 4096), 2)
        XCTAssertEqual(try encoding.encode(-0.75 / 4096), encoding.ring.element(-1))
        XCTAssertEqual(encoding.decode(encoding.ring.element(-1)), -1.0 / 4096)
        XCTAssertEqual(encoding.magnitudeLimit, Double(1 << 24))
        XCTAssertEqual(try encoding.encode(-Double(1 << 24)), encoding.ring.minimumSigned)
        XCTAssertThrowsError(try encoding.encode(Double(1 << 24)))
        XCTAssertThrowsError(try encoding.encode(.nan))
        XCTAssertThrowsError(try encoding.encode(-.infinity))
        XCTAssertThrowsError(try FixedPointEncoding(ring: .z37, fractionBits: 36))
        XCTAssertThrowsError(try FixedPointEncoding(ring: .z37, fractionBits: -1))
    }

    func testArithmeticOnEncodingsMatchesIntegers() throws {
        var generator = SeededGenerator(seed: 3)
        for (bits, f) in [(37, 12), (41, 12), (32, 8), (64, 20)] {
            let encoding = try FixedPointEncoding(ring: try Ring(bitWidth: bits), fractionBits: f)
            let ring = encoding.ring
            for _ in 0..<2000 {
                // Signed integers a, b of (ℓ − 1)/2 bits, so |a·b| ≤ 2^(ℓ−3) stays inside the ring.
                let half = (bits - 1) / 2
                let a = Int64(bitPattern: generator.next()) >> Int64(64 - half)
                let b = Int64(bitPattern: generator.next()) >> Int64(64 - half)
                let x = Double(a) / Double(1 << f), y = Double(b) / Double(1 << f)
                let ex = try encoding.encode(x), ey = try encoding.encode(y)
                XCTAssertEqual(ring.signedValue(ex), a)
                XCTAssertEqual(encoding.decode(ring.add(ex, ey)), x + y)
                // The product carries 2f fraction bits; an arithmetic shift by f floors it.
                let product = ring.arithmeticShiftRight(ring.multiply(ex, ey), by: f)
                XCTAssertEqual(ring.signedValue(product), Int64((Int128(a) * Int128(b)) >> f))
            }
        }
    }
}
