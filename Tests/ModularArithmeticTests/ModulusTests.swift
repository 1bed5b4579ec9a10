import BigInt
import ModularArithmetic
import XCTest
import _TestSupport

/// Checks word-size modular arithmetic against arbitrary-precision integers.
final class ModulusTests: XCTestCase {
    private let moduli: [UInt64] = [3, 65537, 0x7fff_ffff, 1_152_921_504_606_830_593, (1 << 61) - 1, 40_961]

    func testReductionAndMultiplicationMatchBigInt() throws {
        var rng = SeededGenerator(seed: 1)
        for value in moduli {
            let q = try Modulus(value)
            let big = BigUInt(value)
            let edge: [UInt64] = [0, 1, value - 1, value / 2, value - 2]
            var samples = edge
            for _ in 0..<2000 { samples.append(UInt64.random(in: 0..<value, using: &rng)) }
            for (i, a) in samples.enumerated() {
                let b = samples[(i * 7 + 3) % samples.count]
                XCTAssertEqual(BigUInt(q.multiply(a, b)), (BigUInt(a) * BigUInt(b)) % big)
                XCTAssertEqual(BigUInt(q.add(a, b)), (BigUInt(a) + BigUInt(b)) % big)
                XCTAssertEqual(q.subtract(a, b), UInt64((BigInt(a) - BigInt(b)).modulus(BigInt(value))))
                let w = q.shoup(b)
                XCTAssertEqual(q.multiply(a, by: w), q.multiply(a, b))
                let x = rng.next() as UInt64
                XCTAssertEqual(BigUInt(q.reduce(x)), BigUInt(x) % big)
                XCTAssertEqual(BigUInt(q.multiply(x, by: w)), (BigUInt(x) * BigUInt(b)) % big)
                let lazy = q.multiplyLazy(x, by: w)
                XCTAssertLessThan(lazy, 2 * value)
            }
        }
    }

    func testInverseAndPower() throws {
        let q = try Modulus(1_152_921_504_606_830_593)
        for a: UInt64 in [1, 2, 12345, q.value - 1] {
            let inv = try XCTUnwrap(q.inverse(a))
            XCTAssertEqual(q.multiply(a, inv), 1)
            XCTAssertEqual(q.power(a, q.value - 1), 1, "Fermat's little theorem")
        }
        XCTAssertNil(try Modulus(9).inverse(3))
    }

    func testInvalidModuliAreRejected() {
        for bad: UInt64 in [0, 1, 2, 4, 1 << 62, UInt64.max] {
            XCTAssertThrowsError(try Modulus(bad))
        }
    }

    func testPrimalityAgainstTrialDivision() {
        func slowIsPrime(_ n: UInt64) -> Bool {
            if n < 2 { return false }
            var d: UInt64 = 2
            while d * d <= n { if n % d == 0 { return false }; d += 1 }
            return true
        }
        for n in UInt64(0)..<5000 { XCTAssertEqual(Primes.isPrime(n), slowIsPrime(n), "\(n)") }
        XCTAssertTrue(Primes.isPrime((1 << 61) - 1))
        XCTAssertFalse(Primes.isPrime(3_215_031_751), "strong pseudoprime to bases 2, 3, 5, 7")
    }

    func testNTTFriendlyPrimesAreDistinctPrimesOfTheRightShape() throws {
        let n = 8192
        let primes = try Primes.nttFriendly(bitSizes: [31, 26, 26, 26, 26, 26, 26, 31], polyDegree: n)
        XCTAssertEqual(Set(primes).count, primes.count)
        for (bits, p) in zip([31, 26, 26, 26, 26, 26, 26, 31], primes) {
            XCTAssertTrue(Primes.isPrime(p))
            XCTAssertEqual(p % UInt64(2 * n), 1)
            XCTAssertEqual(UInt64.bitWidth - p.leadingZeroBitCount, bits)
        }
        XCTAssertEqual(try Primes.nttFriendly(bitSizes: [31, 26, 26], polyDegree: n), Array(primes.prefix(3)))
        XCTAssertThrowsError(try Primes.nttFriendly(bitSizes: [17, 17, 17, 17, 17], polyDegree: 32768))
        XCTAssertThrowsError(try Primes.nttFriendly(bitSizes: [62], polyDegree: 4096))
    }

    func testPrimitiveRootHasOrderTwoN() throws {
        let n = 4096
        let p = try Primes.nttFriendly(bitSizes: [40], polyDegree: n)[0]
        let q = try Modulus(p)
        let psi = try XCTUnwrap(Primes.minimalPrimitiveRoot(degree: 2 * n, modulus: q))
        XCTAssertEqual(q.power(psi, UInt64(n)), p - 1)
        XCTAssertEqual(q.power(psi, UInt64(2 * n)), 1)
    }
}
