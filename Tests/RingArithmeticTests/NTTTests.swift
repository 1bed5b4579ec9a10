import BigInt
import ModularArithmetic
import RingArithmetic
import XCTest
import _TestSupport

/// Checks the negacyclic NTT against a schoolbook product in Z_q[X]/(X^N + 1).
final class NTTTests: XCTestCase {
    /// O(N^2) negacyclic product, the independent oracle.
    private func schoolbook(_ a: [UInt64], _ b: [UInt64], _ q: Modulus) -> [UInt64] {
        let n = a.count
        var c = [UInt64](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n {
                let p = q.multiply(a[i], b[j])
                let k = i + j
                if k < n { c[k] = q.add(c[k], p) } else { c[k - n] = q.subtract(c[k - n], p) }
            }
        }
        return c
    }

    func testProductMatchesSchoolbookForEveryPrime() throws {
        var rng = SeededGenerator(seed: 2)
        for (n, bits) in [(16, [17, 20]), (256, [26, 31, 40]), (1024, [50, 61])] {
            for p in try Primes.nttFriendly(bitSizes: bits, polyDegree: n) {
                let q = try Modulus(p)
                let tables = try NTTTables(degree: n, modulus: q)
                let a = (0..<n).map { _ in UInt64.random(in: 0..<p, using: &rng) }
                let b = (0..<n).map { _ in UInt64.random(in: 0..<p, using: &rng) }
                var fa = a, fb = b
                fa.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!) }
                fb.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!) }
                var fc = zip(fa, fb).map { q.multiply($0, $1) }
                fc.withUnsafeMutableBufferPointer { tables.inverse($0.baseAddress!) }
                XCTAssertEqual(fc, schoolbook(a, b, q), "N=\(n) q=\(p)")
                var roundTrip = a
                roundTrip.withUnsafeMutableBufferPointer {
                    tables.forward($0.baseAddress!)
                    tables.inverse($0.baseAddress!)
                }
                XCTAssertEqual(roundTrip, a)
                // Unreduced inputs below 4q transform like their residues.
                var lazy = a.enumerated().map { $0.element + UInt64($0.offset % 4) * p }
                lazy.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!) }
                XCTAssertEqual(lazy, fa, "inputs in [0, 4q)")
            }
        }
    }

    func testForwardOutputIsEvaluationAtOddRootPowersInBitReversedOrder() throws {
        let n = 64
        let p = try Primes.nttFriendly(bitSizes: [30], polyDegree: n)[0]
        let q = try Modulus(p)
        let tables = try NTTTables(degree: n, modulus: q)
        var rng = SeededGenerator(seed: 3)
        let a = (0..<n).map { _ in UInt64.random(in: 0..<p, using: &rng) }
        var fa = a
        fa.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!) }
        for k in 0..<n {
            let x = q.power(tables.root, UInt64(2 * bitReverse(k, bits: 6) + 1))
            var value: UInt64 = 0
            for c in a.reversed() { value = q.add(q.multiply(value, x), c) }
            XCTAssertEqual(fa[k], value)
        }
    }

    func testGaloisAutomorphismCommutesWithNTT() throws {
        let n = 128
        let primes = try Primes.nttFriendly(bitSizes: [30, 40], polyDegree: n)
        let basis = RNSBasis(tables: try primes.map { try NTTTables(degree: n, modulus: try Modulus($0)) })
        var rng = AESCTRGenerator(seed: RandomSeed(bytes: [UInt8](repeating: 7, count: 32))!)
        let poly = Sampling.uniform(basis: basis, form: Coefficient.self, using: &rng)
        let ntt = poly.forwardNTT()
        for g in [3, 5, 25, 2 * n - 1] {
            let viaCoefficients = poly.applyingGalois(element: g).forwardNTT()
            XCTAssertEqual(ntt.applyingGalois(element: g), viaCoefficients, "g=\(g)")
            let permutation = RNSPolynomial<Evaluation>.galoisPermutation(element: g, degree: n)
            XCTAssertEqual(ntt.applyingGalois(element: g, permutation: permutation), viaCoefficients, "g=\(g)")
        }
    }
}
