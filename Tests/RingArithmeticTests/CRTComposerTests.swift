import BigInt
import ModularArithmetic
import RingArithmetic
import XCTest
import _TestSupport

/// RNS/CRT composition against arbitrary-precision integers.
final class CRTComposerTests: XCTestCase {
    func testCenteredCompositionMatchesBigInt() throws {
        let n = 16
        for bits in [[40], [31, 26], [31, 26, 26, 26, 26, 26, 26], [60, 60, 60, 60]] {
            let primes = try Primes.nttFriendly(bitSizes: bits, polyDegree: n)
            let basis = RNSBasis(tables: try primes.map { try NTTTables(degree: n, modulus: try Modulus($0)) })
            let q = primes.reduce(BigInt(1)) { $0 * BigInt($1) }
            var generator = SeededGenerator(seed: UInt64(bits.count))
            // Values: small (the fast path), near ±Q/2 (the multi-word path), and random in between.
            var values: [BigInt] = [0, 1, -1, q / 2, -(q / 2) + 1]
            // Around the fast path's 2^63 limit, where Q allows.
            for v in [BigInt(1) << 62, (BigInt(1) << 63) - 1, BigInt(1) << 63, -(BigInt(1) << 63)] where v.magnitude <= (q / 2).magnitude {
                values.append(v)
            }
            while values.count < n {
                let magnitude = BigInt(BigUInt.randomInteger(lessThan: BigUInt(q / 2), using: &generator))
                values.append(Bool.random(using: &generator) ? magnitude : -magnitude)
            }
            var data = [UInt64](repeating: 0, count: n * primes.count)
            for (i, p) in primes.enumerated() {
                for (j, v) in values.enumerated() {
                    data[i * n + j] = UInt64(v.modulus(BigInt(p)))
                }
            }
            let polynomial = RNSPolynomial<Coefficient>(basis: basis, data: data)
            let composed = CRTComposer(basis: basis).centeredValues(of: polynomial)
            for (value, got) in zip(values, composed) {
                let expected = Double(value)
                XCTAssertEqual(got, expected, accuracy: abs(expected) * 0x1p-52, "\(bits) value \(value)")
            }
        }
    }
}
