@_spi(Testing) import CKKS
import Foundation
import XCTest

/// Precision statistics: their arithmetic on a hand-computed case, then the precision of each
/// CKKS operation against the noise model of `PrecisionStatistics+Bounds` (σ·√(N/2)/Δ per part
/// for a coefficient error of deviation σ), with σ derived from the parameters here.
final class PrecisionStatisticsTests: XCTestCase {
    func testStatisticsOfAHandComputedCase() {
        let expected = [Complex(1, 0), Complex(2, 1), Complex(3, -1), Complex(4, 2)]
        let errors = [(0x1p-10, 0x1p-12), (-0x1p-20, 0.0), (0x1p-12, -0x1p-8), (0x1p-30, 0x1p-16)]
        let actual = zip(expected, errors).map { Complex($0.real - $1.0, $0.imaginary - $1.1) }
        let stats = PrecisionStatistics(expected: expected, actual: actual)
        XCTAssertEqual(stats.slotCount, 4)
        // Real bits 10, 20, 12, 30; imaginary 12, ∞, 8, 16.
        XCTAssertEqual(stats.minimum.real, 10)
        XCTAssertEqual(stats.maximum.real, 30)
        XCTAssertEqual(stats.median.real, 16)
        XCTAssertEqual(stats.mean.real, -log2((0x1p-10 + 0x1p-20 + 0x1p-12 + 0x1p-30) / 4), accuracy: 1e-12)
        XCTAssertEqual(stats.minimum.imaginary, 8)
        XCTAssertEqual(stats.maximum.imaginary, .infinity)
        XCTAssertEqual(stats.median.imaginary, 14)
        XCTAssertEqual(stats.mean.imaginary, -log2((0x1p-12 + 0x1p-8 + 0x1p-16) / 4), accuracy: 1e-12)
        let moduli = errors.map { ($0.0 * $0.0 + $0.1 * $0.1).squareRoot() }
        XCTAssertEqual(stats.minimum.l2, -log2(moduli.max()!), accuracy: 1e-12)
        XCTAssertEqual(stats.maxError, moduli.max()!, accuracy: 1e-18)
        XCTAssertEqual(stats.l2Error, moduli.map { $0 * $0 }.reduce(0, +).squareRoot(), accuracy: 1e-18)
        let sortedModuli = moduli.map { -log2($0) }.sorted()
        XCTAssertEqual(stats.median.l2, (sortedModuli[1] + sortedModuli[2]) / 2, accuracy: 1e-12)
        XCTAssertTrue(stats.description.contains("exact"), "an exact best slot is shown as such")
    }

    /// Encoding rounds each coefficient to an integer: a uniform error in [−½, ½], σ = 1/√12.
    func testEncodeDecodePrecisionMatchesTheRoundingModel() throws {
        for fixture in [try Fixture.reference.get(), try Fixture.tailored.get()] {
            let p = fixture.parameters
            let z = fixture.randomComplex(seed: 21)
            let decoded = fixture.encoder.decodeComplex(try fixture.encoder.encode(complex: z))
            try assertMatchesModel(PrecisionStatistics(expected: z, actual: decoded), sigma: (1.0 / 12).squareRoot(), p, "encode/decode")
        }
    }

    /// Fresh encryptions: the error deviation of `freshEncryptionDeviation`, re-derived here.
    func testEncryptDecryptPrecisionMatchesTheNoiseModel() throws {
        for fixture in [try Fixture.reference.get(), try Fixture.tailored.get()] {
            let p = fixture.parameters
            let n = Double(p.polyDegree)
            let z = fixture.randomComplex(seed: 22)
            let plaintext = try fixture.encoder.encode(complex: z)
            let symmetric = fixture.encoder.decodeComplex(try fixture.decryptor.decrypt(fixture.symmetricEncryptor.encrypt(plaintext)))
            let sigmaSymmetric = (10.5 + 1.0 / 12).squareRoot()
            XCTAssertEqual(PrecisionStatistics.freshEncryptionDeviation(polyDegree: p.polyDegree, publicKey: false), sigmaSymmetric, accuracy: 1e-12)
            try assertMatchesModel(PrecisionStatistics(expected: z, actual: symmetric), sigma: sigmaSymmetric, p, "symmetric")

            // e·u and e_1·s are products in the slots, whose tails are exponential: the worst slot
            // gets the 16-deviation allowance of `Bounds.freshPublic`.
            let public_ = fixture.encoder.decodeComplex(try fixture.decryptor.decrypt(fixture.encryptor.encrypt(plaintext)))
            let sigmaPublic = (10.5 * (4 * n / 3 + 1) + 1.0 / 12).squareRoot()
            try assertMatchesModel(PrecisionStatistics(expected: z, actual: public_), sigma: sigmaPublic, p, "public", tailDeviations: 16, medianSlack: 0.75)
        }
    }

    /// x·c at scale q_ℓ, rescaled by q_ℓ: c·(fresh error) plus the rescale's rounding
    /// r_0 + r_1·s (r uniform in [−½, ½]: variance (1 + 2N/3)/12).
    func testMultiplyRescalePrecisionMatchesTheNoiseModel() throws {
        for fixture in [try Fixture.reference.get(), try Fixture.tailored.get()] {
            let p = fixture.parameters
            let n = Double(p.polyDegree)
            let z = fixture.randomComplex(seed: 23)
            let c = 0.75
            let product = try fixture.evaluator.rescale(fixture.evaluator.multiply(
                fixture.symmetricEncryptor.encrypt(fixture.encoder.encode(complex: z)), scalar: c))
            let decoded = fixture.encoder.decodeComplex(try fixture.decryptor.decrypt(product))
            let sigma = (c * c * (10.5 + 1.0 / 12) + (1 + 2 * n / 3) / 12).squareRoot()
            let expected = z.map { Complex(c * $0.real, c * $0.imaginary) }
            try assertMatchesModel(PrecisionStatistics(expected: expected, actual: decoded), sigma: sigma, p, "×\(c), rescale",
                                   tailDeviations: 16, medianSlack: 0.75)
        }
    }

    /// A rotation adds key switching's error: Σ_j d_j·e_j over the ℓ+1 digits (d_j centered
    /// uniform below q_j, variance q_j²/12; e_j centered binomial), divided by P, plus the
    /// division's rounding (1 + 2N/3)/12.
    func testRotationPrecisionMatchesTheNoiseModel() throws {
        let fixture = try Fixture.reference.get()
        let p = fixture.parameters
        let n = Double(p.polyDegree)
        let z = fixture.randomComplex(seed: 24)
        let rotated = try fixture.evaluator.rotate(fixture.symmetricEncryptor.encrypt(fixture.encoder.encode(complex: z)), by: 3)
        let decoded = fixture.encoder.decodeComplex(try fixture.decryptor.decrypt(rotated))
        let special = Double(p.specialModulus)
        let digitVariance = p.dataModuli.map { Double($0) * Double($0) / 12 }.reduce(0, +) * n * 10.5 / (special * special)
        let sigma = (10.5 + 1.0 / 12 + digitVariance + (1 + 2 * n / 3) / 12).squareRoot()
        let expected = (0..<z.count).map { z[($0 + 3) % z.count] }
        try assertMatchesModel(PrecisionStatistics(expected: expected, actual: decoded), sigma: sigma, p, "rotate 3",
                               tailDeviations: 16, medianSlack: 0.75)
    }

    /// The worst slot above the guaranteed minimum, and the median within `medianSlack` bits of
    /// the Gaussian prediction. A σ wrong by a factor √2 moves the median by half a bit: Gaussian
    /// slot errors (encoding, symmetric encryption) land within 0.05 bits of the prediction, hence
    /// the 0.25 default; errors with product terms (e·u, r·s, digit·e) have heavier tails and a
    /// median 0.2–0.45 bits better than a Gaussian of the same variance, hence 0.75 for them.
    private func assertMatchesModel(
        _ stats: PrecisionStatistics, sigma: Double, _ p: CKKSParameters, _ label: String,
        tailDeviations: Double = 7, medianSlack: Double = 0.25
    ) throws {
        let predicted = PrecisionStatistics.predictedMedian(coefficientDeviation: sigma, polyDegree: p.polyDegree, scale: p.scale)
        let guaranteed = PrecisionStatistics.guaranteedMinimum(
            coefficientDeviation: sigma, polyDegree: p.polyDegree, scale: p.scale, tailDeviations: tailDeviations)
        XCTAssertGreaterThanOrEqual(stats.minimum.l2, guaranteed, "\(label) \(p): \(stats)")
        XCTAssertEqual(stats.median.real, predicted.real, accuracy: medianSlack, "\(label) \(p): \(stats)")
        XCTAssertEqual(stats.median.imaginary, predicted.imaginary, accuracy: medianSlack, "\(label) \(p): \(stats)")
        XCTAssertEqual(stats.median.l2, predicted.l2, accuracy: medianSlack, "\(label) \(p): \(stats)")
    }
}

extension Fixture {
    /// One complex value per slot, real and imaginary parts uniform in ±1, the same for the same seed.
    func randomComplex(seed: UInt64) -> [Complex] {
        let parts = randomValues(2 * context.slotCount, seed: seed)
        return (0..<context.slotCount).map { Complex(parts[2 * $0], parts[2 * $0 + 1]) }
    }
}
