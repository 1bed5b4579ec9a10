@_spi(Testing) import CKKS
import Foundation
import _TestSupport
import XCTest

/// Error bounds derived from the parameters, independent of the library's own noise tracking.
///
/// A coefficient-domain error with i.i.d. entries of standard deviation σ maps to a slot error
/// Σ_i e_i ζ^i of standard deviation σ·√N (complex) — the real part σ·√(N/2); 7 standard
/// deviations bound it with probability > 1 − 10^-11 per slot.
enum Bounds {
    static let errorDeviation = (21.0 / 2).squareRoot()
    static let roundingDeviation = (1.0 / 12).squareRoot()

    static func slotBound(coefficientDeviation sigma: Double, polyDegree n: Int, scale: Double) -> Double {
        7 * sigma * (Double(n) / 2).squareRoot() / scale
    }

    /// Fresh symmetric encryption: error e plus the encoding's rounding.
    static func freshSymmetric(_ p: CKKSParameters, scale: Double? = nil) -> Double {
        slotBound(coefficientDeviation: errorDeviation + roundingDeviation, polyDegree: p.polyDegree, scale: scale ?? p.scale)
    }

    /// Fresh public-key encryption: e·u + e_0 + e_1·s with u, s ternary (variance 2/3 each).
    /// In the slots, e·u is a product E_j·U_j of two near-Gaussians, whose tail is exponential
    /// rather than Gaussian: P(|Z_1·Z_2| > t) < e^(−t), so 16 deviations (not 7) bound it.
    static func freshPublic(_ p: CKKSParameters) -> Double {
        let n = Double(p.polyDegree)
        let productDeviation = errorDeviation * (4 * n / 3).squareRoot()
        return slotBound(coefficientDeviation: errorDeviation + roundingDeviation, polyDegree: p.polyDegree, scale: p.scale)
            + 16.0 / 7 * slotBound(coefficientDeviation: productDeviation, polyDegree: p.polyDegree, scale: p.scale)
    }

    /// Rounding error of one rescale (r_0 + r_1·s, r uniform in [−½, ½]); r_1·s is a product
    /// in the slots, so its term gets the 16-deviation bound of `freshPublic`.
    static func rescaleRounding(_ p: CKKSParameters, scale: Double) -> Double {
        let n = Double(p.polyDegree)
        return slotBound(coefficientDeviation: roundingDeviation, polyDegree: p.polyDegree, scale: scale)
            + 16.0 / 7 * slotBound(coefficientDeviation: (2 * n / 3 / 12).squareRoot(), polyDegree: p.polyDegree, scale: scale)
    }

    static func maxError(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }
}

/// A context with all keys, built once per parameter set.
final class Fixture: Sendable {
    let parameters: CKKSParameters
    let context: CKKSContext
    let secretKey: SecretKey
    let publicKey: PublicKey
    let encoder: Encoder
    let encryptor: Encryptor
    let symmetricEncryptor: Encryptor
    let decryptor: Decryptor
    let evaluator: Evaluator

    init(_ parameters: CKKSParameters, rotations: [Int] = [1, 2, 3, -1, 5], conjugation: Bool = true) throws {
        self.parameters = parameters
        context = try CKKSContext(parameters: parameters)
        let keyGenerator = KeyGenerator(context: context)
        secretKey = keyGenerator.generateSecretKey()
        publicKey = try keyGenerator.generatePublicKey(for: secretKey)
        let relinearizationKey = try keyGenerator.generateRelinearizationKey(for: secretKey)
        let galoisKeys = try keyGenerator.generateGaloisKeys(
            for: secretKey, rotations: rotations + keyGenerator.powerOfTwoRotations(), conjugation: conjugation)
        encoder = Encoder(context: context)
        encryptor = Encryptor(publicKey: publicKey)
        symmetricEncryptor = Encryptor(secretKey: secretKey)
        decryptor = Decryptor(secretKey: secretKey)
        evaluator = Evaluator(context: context, relinearizationKey: relinearizationKey, galoisKeys: galoisKeys)
    }

    static let reference = Result { try Fixture(.n8192_q31_26x6_31_scale26) }
    static let tailored = Result { try Fixture(.n4096_q38_33_38_scale30) }
    /// A small, deep chain for multi-level circuits (not secure: N = 1024).
    static let smallDeep = Result {
        try Fixture(.insecureForTests(polyDegree: 1024, coefficientModulusBits: [50, 40, 40, 40, 50], scale: 0x1p40))
    }

    /// Uniform values in ±magnitude, the same for the same seed, so that failures reproduce.
    func randomValues(_ count: Int? = nil, magnitude: Double = 1, seed: UInt64) -> [Double] {
        var generator = SeededGenerator(seed: seed)
        return (0..<(count ?? context.slotCount)).map { _ in Double.random(in: -magnitude...magnitude, using: &generator) }
    }
}
