import CKKS
import Foundation
import HEDiffusion
import Imaging
import StableDiffusion
import Tensor
import XCTest

/// Complete private generations on the tiny fixture model against the plaintext run with the same
/// seed, in every mode and with the update and the paper's parameter presets.
final class PrivateGenerationTests: XCTestCase {
    static let tinyModel = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/tiny-sd")

    func testEncryptedRunsMatchThePlaintextRun() throws {
        let pipeline = try StableDiffusionPipeline(folder: DiffusersModelFolder(url: Self.tinyModel))
        var configuration = GenerationConfiguration(prompt: "a red circle on the left, blue background")
        configuration.stepCount = 6
        configuration.seed = 11
        let plain = try pipeline.generate(configuration)
        for preset in [CKKSParameters.Preset.update, .paperReference] {
            for mode in [PrivacyMode.sparse, .packed, .elementwise, .paper] {
                let session = try PrivateUpdateSession(
                    mode: mode, parameters: preset.parameters, baselineSample: mode == .elementwise ? 64 : nil)
                var update = EncryptedLatentUpdate(session: session)
                let result = try pipeline.generate(configuration, latentUpdate: &update)
                let (maxError, _) = try LatentComparison.absoluteError(plain.latents, result.latents)
                // Each step adds at most the per-step bound of EncryptedUpdateTests (|a| ≤ 1.1);
                // the noise predictor is smooth in its input, so a small perturbation stays small:
                // allow ten times the accumulated per-step bound.
                let magnitude = plain.latents.scalars.map { Double(abs($0)) }.max() ?? 0
                let perStep = EncryptedUpdateTests.bound(preset.parameters, a: 1.1, magnitude: 4 * magnitude)
                XCTAssertLessThanOrEqual(maxError, 10 * Double(update.reports.count) * perStep, "\(preset) \(mode)")
                let psnr = try ImageComparison.psnr(plain.images[0], result.images[0])
                XCTAssertGreaterThanOrEqual(psnr, 40, "\(preset) \(mode): PSNR \(psnr) dB")
                XCTAssertEqual(update.reports.count, 7, "PLMS makes one more noise prediction than steps")
                if mode == .elementwise { XCTAssertTrue(update.runReport(noise: .seeded).totals.extrapolated) }
            }
        }
    }
}
