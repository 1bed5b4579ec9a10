import SecretSharing
import XCTest
import _TestSupport

/// Ring arithmetic and sharing against plain Int arithmetic reduced by hand (`%` on the exact integer).
final class RingTests: XCTestCase {
    /// The independent oracle: x mod 2^ℓ from an exact Int128 value.
    private func mod(_ x: Int128, _ bits: Int) -> UInt64 {
        let m = Int128(1) << bits
        var r = x % m
        if r < 0 { r += m }
        return UInt64(r)
    }

    func testArithmeticMatchesIntegers() throws {
        var generator = SeededGenerator(seed: 1)
        for bits in [1, 2, 12, 37, 41, 63, 64] {
            let ring = try Ring(bitWidth: bits)
            let limit = Int128(1) << (bits - 1)
            for _ in 0..<2000 {
                // Signed integers in the ring's range, from the generator, including the extremes.
                let a = Int128(Int64(bitPattern: generator.next())) % limit
                let b = Int128(Int64(bitPattern: generator.next())) % limit
                let ea = ring.element(Int64(a)), eb = ring.element(Int64(b))
                XCTAssertEqual(ring.add(ea, eb), mod(a + b, bits))
                XCTAssertEqual(ring.subtract(ea, eb), mod(a - b, bits))
                XCTAssertEqual(ring.multiply(ea, eb), mod(a * b, bits))
                XCTAssertEqual(ring.negate(ea), mod(-a, bits))
                XCTAssertEqual(Int128(ring.signedValue(ea)), a)
                XCTAssertEqual(ring.mostSignificantBit(ea), a < 0)
            }
        }
    }

    func testEdges() throws {
        let ring = Ring.z37
        XCTAssertEqual(ring.mask, (1 << 37) - 1)
        XCTAssertEqual(ring.signedValue(ring.element(-1)), -1)
        XCTAssertEqual(ring.element(-1), (1 << 37) - 1)
        XCTAssertEqual(ring.signedValue(ring.minimumSigned), -(1 << 36))
        XCTAssertEqual(ring.signedValue(ring.minimumSigned - 1), (1 << 36) - 1)
        XCTAssertEqual(ring.add(ring.minimumSigned, ring.minimumSigned), 0)
        XCTAssertEqual(ring.arithmeticShiftRight(ring.element(-1), by: 12), ring.element(-1))
        XCTAssertEqual(ring.arithmeticShiftRight(ring.element(-4096), by: 12), ring.element(-1))
        XCTAssertEqual(ring.arithmeticShiftRight(ring.element(-4097), by: 12), ring.element(-2))
        XCTAssertEqual(ring.arithmeticShiftRight(ring.element(4095), by: 12), 0)
        XCTAssertThrowsError(try Ring(bitWidth: 0))
        XCTAssertThrowsError(try Ring(bitWidth: 65))
        let full = try Ring(bitWidth: 64)
        XCTAssertEqual(full.mask, .max)
        XCTAssertEqual(full.signedValue(.max), -1)
    }

    func testSharesReconstructAndLookUniform() throws {
        var generator = SeededGenerator(seed: 2)
        let ring = Ring.z37
        let values = (0..<4096).map { _ in ring.random(using: &generator) }
        let (first, second) = ring.share(values, using: &generator)
        XCTAssertEqual(try ring.reconstruct(first, second), values)
        // The first share of a constant is uniform: the top bit is set about half the time.
        let constant = [UInt64](repeating: 5, count: 4096)
        let (shares, _) = ring.share(constant, using: &generator)
        let top = shares.filter { ring.mostSignificantBit($0) }.count
        XCTAssertEqual(Double(top), 2048, accuracy: 6 * 32)  // 6σ for Binomial(4096, 1/2)
        XCTAssertThrowsError(try ring.reconstruct([1, 2], [3]))
    }
}
