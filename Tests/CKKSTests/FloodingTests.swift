@_spi(Testing) import CKKS
import Foundation
import RingArithmetic
import XCTest
import _TestSupport

/// `decryptForSharing` adds what its documentation promises: independent Gaussian noise of
/// deviation σ_f = 2^(λ/2)·6·σ̂ to every coefficient. The real part of a slot is
/// Σ_k c_k·cos(k·θ) / Δ with Σ_k cos²(k·θ) = N/2 for every slot angle θ (an odd multiple of π/N),
/// so each decoded value carries N(0, σ_f²·N/2 / Δ²), independently of the others.
final class FloodingTests: XCTestCase {
    func testFloodingNoiseHasTheDocumentedDeviation() throws {
        let parameters = CKKSParameters.Preset.update.parameters
        let context = try CKKSContext(parameters: parameters)
        let keys = KeyGenerator(context: context)
        let secretKey = keys.generateSecretKey()
        let encryptor = Encryptor(publicKey: try keys.generatePublicKey(for: secretKey))
        let decryptor = Decryptor(secretKey: secretKey)
        var inputs = SeededGenerator(seed: 5)
        var flooding = AESCTRGenerator(seed: RandomSeed(bytes: [UInt8](repeating: 3, count: 32))!)
        for lambda in [20, 30] {
            var residuals: [Double] = []
            var expectedDeviation = 0.0
            for _ in 0..<8 {
                let x = (0..<context.slotCount).map { _ in Double.random(in: -1...1, using: &inputs) }
                let ciphertext = try encryptor.encrypt(x)
                let sigmaF = pow(2, Double(lambda) / 2) * 6 * max(ciphertext.noiseEstimate, 1)
                expectedDeviation = sigmaF * (Double(parameters.polyDegree) / 2).squareRoot() / parameters.scale
                let shared = try decryptor.decryptForSharing(ciphertext, statisticalSecurityBits: lambda, using: &flooding)
                residuals += zip(shared, x).map { $0 - $1 }
            }
            let m = Double(residuals.count)
            let mean = residuals.reduce(0, +) / m
            let deviation = (residuals.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / (m - 1)).squareRoot()
            // 16,384 samples: the sample deviation's relative error is 1/√(2m) = 0.55%, so 5% is
            // nine standard errors; the mean's is σ/√m.
            XCTAssertEqual(deviation / expectedDeviation, 1, accuracy: 0.05, "λ = \(lambda)")
            XCTAssertLessThan(abs(mean), 5 * expectedDeviation / m.squareRoot(), "λ = \(lambda)")
            // Gaussian shape: P(|z| < 1) = 0.6827, P(|z| < 2) = 0.9545 (binomial errors 0.0036, 0.0016).
            let within1 = Double(residuals.filter { abs($0) < expectedDeviation }.count) / m
            let within2 = Double(residuals.filter { abs($0) < 2 * expectedDeviation }.count) / m
            XCTAssertEqual(within1, 0.6827, accuracy: 0.02, "λ = \(lambda)")
            XCTAssertEqual(within2, 0.9545, accuracy: 0.01, "λ = \(lambda)")
        }
    }
}
