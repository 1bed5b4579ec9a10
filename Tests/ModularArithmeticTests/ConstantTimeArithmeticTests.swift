import BigInt
import ModularArithmetic
import XCTest
import _TestSupport

/// The branch-free forms of negate, centered, reduce(signed:) and the `ConstantTime` helpers
/// against arbitrary-precision integers, at the edges where a mask flips (0, 1, ⌊q/2⌋, ⌊q/2⌋ + 1,
/// q − 1, Int64.min/max) and at random.
final class ConstantTimeArithmeticTests: XCTestCase {
    private let moduli: [UInt64] = [3, 65537, 0x7fff_ffff, 1_152_921_504_606_830_593, (1 << 61) - 1]

    func testNegateCenteredAndSignedResiduesMatchBigInt() throws {
        var rng = SeededGenerator(seed: 7)
        for value in moduli {
            let q = try Modulus(value)
            let big = BigInt(value)
            var residues: [UInt64] = [0, 1, value / 2, value / 2 + 1, value - 1]
            for _ in 0..<2000 { residues.append(UInt64.random(in: 0..<value, using: &rng)) }
            for a in residues {
                XCTAssertEqual(BigInt(q.negate(a)), (-BigInt(a)).modulus(big), "−\(a) mod \(value)")
                // Centered: the representative in (−q/2, q/2].
                let expected = BigInt(a) > big / 2 ? BigInt(a) - big : BigInt(a)
                XCTAssertEqual(BigInt(q.centered(a)), expected, "centered \(a) mod \(value)")
            }
            var signed: [Int64] = [0, 1, -1, .min, .max, .min + 1, Int64(value / 2), -Int64(value / 2), -Int64(value)]
            for _ in 0..<2000 { signed.append(Int64(bitPattern: rng.next())) }
            for x in signed {
                XCTAssertEqual(BigInt(q.reduce(signed: x)), BigInt(x).modulus(big), "\(x) mod \(value)")
            }
        }
    }

    func testConstantTimeHelpers() {
        XCTAssertEqual(ConstantTime.signMask(0), 0)
        XCTAssertEqual(ConstantTime.signMask(1 << 62), 0)
        XCTAssertEqual(ConstantTime.signMask(1 << 63), .max)
        XCTAssertEqual(ConstantTime.signMask(.max), .max)
        let m: UInt64 = (1 << 61) - 1
        for x: UInt64 in [0, 1, m - 1, m, m + 1, 2 * m - 1, (1 << 63) - 1] {
            XCTAssertEqual(ConstantTime.subtractIfAtLeast(x, m), x >= m ? x - m : x, "\(x)")
        }
        XCTAssertEqual(ConstantTime.bit(true), 1)
        XCTAssertEqual(ConstantTime.bit(false), 0)
    }
}
