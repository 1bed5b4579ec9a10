import ModularArithmetic
import RingArithmetic
import XCTest

/// The polynomial API across its two forms: each test starts from coefficients, moves to
/// evaluations for what needs them and back, and checks the result against an oracle computed
/// on coefficients alone.
final class RNSPolynomialTests: XCTestCase {
    private let n = 64

    private func basis(_ bits: [Int]) throws -> RNSBasis {
        let primes = try Primes.nttFriendly(bitSizes: bits, polyDegree: n)
        return RNSBasis(tables: try primes.map { try NTTTables(degree: n, modulus: try Modulus($0)) })
    }

    private func generator(_ byte: UInt8) -> AESCTRGenerator {
        AESCTRGenerator(seed: RandomSeed(bytes: [UInt8](repeating: byte, count: 32))!)
    }

    func testTransformsRoundTrip() throws {
        let basis = try basis([30, 40, 50])
        var rng = generator(1)
        let coefficients = Sampling.uniform(basis: basis, form: Coefficient.self, using: &rng)
        let evaluations = coefficients.forwardNTT()
        XCTAssertEqual(evaluations.basis, basis)
        XCTAssertEqual(evaluations.inverseNTT(), coefficients)
    }

    /// The product of small polynomials, taken in evaluation form, equals their negacyclic
    /// schoolbook product computed on the integer coefficients.
    func testProductInEvaluationFormMatchesSchoolbook() throws {
        let basis = try basis([30, 40])
        var rng = generator(2)
        let a = Sampling.centeredBinomial(degree: n, using: &rng)
        let b = Sampling.ternary(degree: n, using: &rng)
        var expected = [Int](repeating: 0, count: n)
        for i in 0..<n {
            for j in 0..<n {
                let p = Int(a[i]) * Int(b[j])
                if i + j < n { expected[i + j] += p } else { expected[i + j - n] -= p }
            }
        }
        var product = Sampling.embed(a, basis: basis).forwardNTT()
        product.multiply(Sampling.embed(b, basis: basis).forwardNTT())
        let values = CRTComposer(basis: basis).centeredValues(of: product.inverseNTT())
        XCTAssertEqual(values, expected.map(Double.init))
    }

    /// Additions commute with the transform: adding in either form gives the same polynomial.
    func testAdditionAgreesInBothForms() throws {
        let basis = try basis([30, 40])
        var rng = generator(3)
        let a = Sampling.uniform(basis: basis, form: Coefficient.self, using: &rng)
        let b = Sampling.uniform(basis: basis, form: Coefficient.self, using: &rng)
        var sumOfCoefficients = a
        sumOfCoefficients.subtract(b)
        var sumOfEvaluations = a.forwardNTT()
        sumOfEvaluations.subtract(b.forwardNTT())
        XCTAssertEqual(sumOfEvaluations.inverseNTT(), sumOfCoefficients)
    }

    /// Rescaling (evaluation form) rounds the coefficients divided by the last prime.
    func testDivideAndRoundByLastPrimeRoundsTheCoefficients() throws {
        let basis = try basis([40, 30])
        let qLast = Double(basis.moduli[1].value)
        let values = (0..<n).map { (Double($0 - n / 2) * qLast * 1.37).rounded() + Double($0) }
        var data = [UInt64](repeating: 0, count: 2 * n)
        for (i, q) in basis.moduli.enumerated() {
            for j in 0..<n { data[i * n + j] = q.reduce(signed: Int64(values[j])) }
        }
        var polynomial = RNSPolynomial<Coefficient>(basis: basis, data: data).forwardNTT()
        polynomial.divideAndRoundByLastPrime()
        let coefficients = polynomial.inverseNTT()
        XCTAssertEqual(coefficients.limbCount, 1)
        XCTAssertEqual(CRTComposer(basis: coefficients.basis).centeredValues(of: coefficients),
                       values.map { ($0 / qLast).rounded() })
    }
}
