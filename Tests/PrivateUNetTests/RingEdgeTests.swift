import PrivateUNet
import SecretSharing
import XCTest
import _TestSupport

/// Ring behaviour of the reference's representation at the edges (0, −1, ±2^(ℓ−1)), checked against
/// SecretSharing's `Ring` (UInt64 elements, masks) and `FixedPointEncoding` as independent oracles.
final class RingEdgeTests: XCTestCase {
    let format = FixedPointFormat.design
    let ring = Ring.z37

    func testDesignFormatIs37Bits12FractionBits() {
        XCTAssertEqual(format.ringBits, 37)
        XCTAssertEqual(format.fractionBits, 12)
        XCTAssertEqual(FixedPointFormat.audited.ringBits, 42)
        XCTAssertEqual(FixedPointFormat.audited.fractionBits, 12)
        XCTAssertEqual(FixedPointFormat.audited.wrap(1 << 41), -(1 << 41))
    }

    func testWrapAtTheEdges() {
        let half: Int64 = 1 << 36
        XCTAssertEqual(format.wrap(0), 0)
        XCTAssertEqual(format.wrap(-1), -1)
        XCTAssertEqual(format.wrap(half - 1), half - 1)
        XCTAssertEqual(format.wrap(half), -half, "2^(ℓ−1) wraps to −2^(ℓ−1)")
        XCTAssertEqual(format.wrap(-half), -half)
        XCTAssertEqual(format.wrap(-half - 1), half - 1, "−2^(ℓ−1) − 1 wraps to 2^(ℓ−1) − 1")
        XCTAssertEqual(format.wrap(1 << 37), 0)
        for value in [Int64(0), -1, half - 1, -half, half, -half - 1, Int64.max, Int64.min] {
            XCTAssertEqual(format.ringElement(value), ring.element(value), "\(value)")
            XCTAssertEqual(format.wrap(value), ring.signedValue(ring.element(value)), "\(value)")
        }
    }

    func testTruncationIsFloorOfTheWrappedValue() {
        let half: Int64 = 1 << 36
        XCTAssertEqual(format.truncate(-1, by: 12), -1, "floor(−1/4096) = −1")
        XCTAssertEqual(format.truncate(4095, by: 12), 0)
        XCTAssertEqual(format.truncate(-4096, by: 12), -1)
        XCTAssertEqual(format.truncate(-4097, by: 12), -2)
        XCTAssertEqual(format.truncate(half, by: 12), -(half >> 12), "the accumulator wraps before the shift")
        XCTAssertEqual(format.truncate(half - 1, by: 12), (half - 1) >> 12)
        var generator = SeededGenerator(seed: 37)
        for _ in 0..<10_000 {
            let raw = Int64(bitPattern: generator.next())
            let element = ring.element(raw)
            XCTAssertEqual(format.truncate(raw, by: 12), ring.signedValue(ring.arithmeticShiftRight(element, by: 12)))
        }
    }

    func testProductsWrapLikeTheRing() {
        var generator = SeededGenerator(seed: 38)
        let edges: [UInt64] = [0, ring.mask, ring.minimumSigned, ring.minimumSigned - 1, 1, 4096]
        let randoms = (0..<2_000).map { _ in ring.random(using: &generator) }
        for a in edges + randoms.prefix(1_000) {
            for b in edges + [randoms[Int(a % 1_000) + 1_000]] {
                let signedA = ring.signedValue(a), signedB = ring.signedValue(b)
                XCTAssertEqual(format.wrap(signedA &* signedB), ring.signedValue(ring.multiply(a, b)))
                XCTAssertEqual(format.wrap(signedA &+ signedB), ring.signedValue(ring.add(a, b)))
                XCTAssertEqual(
                    format.multiply(signedA, signedB),
                    ring.signedValue(ring.arithmeticShiftRight(ring.multiply(a, b), by: 12)))
            }
        }
    }

    func testEncodingAgreesWithFixedPointEncoding() throws {
        let encoding = FixedPointEncoding.design
        var generator = SeededGenerator(seed: 39)
        for _ in 0..<10_000 {
            let x = (Double(generator.next() >> 11) * 0x1p-53 - 0.5) * 4096
            XCTAssertEqual(format.ringElement(format.encode(x)), try encoding.encode(x))
            XCTAssertEqual(format.decode(format.encode(x)), encoding.decode(try encoding.encode(x)))
        }
        XCTAssertEqual(format.encode(-1.0 / 4096), -1)
        XCTAssertEqual(format.encode(0x1p24), -(1 << 36), "2^24 is 2^(ℓ−1) at f = 12: it wraps")
    }

    func testOtherRingWidths() throws {
        let wide = try FixedPointFormat(ringBits: 41, fractionBits: 13)
        XCTAssertEqual(wide.wrap(1 << 40), -(1 << 40))
        XCTAssertEqual(wide.encode(1), 8192)
        XCTAssertThrowsError(try FixedPointFormat(ringBits: 65, fractionBits: 12))
        XCTAssertThrowsError(try FixedPointFormat(ringBits: 20, fractionBits: 19))
    }
}
