import CKKS
import Foundation
import HEDiffusion
import StableDiffusion
import Tensor
import XCTest

/// The encrypted update against the plaintext update, for every sampler and mode, within an
/// error bound derived from the CKKS parameters.
final class EncryptedUpdateTests: XCTestCase {
    /// Bound on |encrypted − plaintext| for x′ = a·x + t with |x| ≤ `magnitude`: the fresh error
    /// (σ_e = √10.5, plus the encoding rounding) scaled by |a|; then either the rescale rounding
    /// r_0 + r_1·s (a product in the slots: 16 deviations) or, without a rescale, the factor's
    /// quantization at 2^16 or finer (|a − â| ≤ 2^-17, times |x|) — both added, as the bound does
    /// not depend on which path ran; the term's encoding rounding; each coefficient-domain term
    /// mapped to the slots by 7·σ·√(N/2)/Δ; and float32 rounding of the result (2^-24 relative).
    static func bound(_ p: CKKSParameters, a: Double, magnitude: Double) -> Double {
        let n = Double(p.polyDegree)
        let toSlots = (n / 2).squareRoot() / p.scale
        let rounding = (1.0 / 12).squareRoot()
        let fresh = 7 * abs(a) * ((21.0 / 2).squareRoot() + rounding) * toSlots
        let rescale = (7 * rounding + 16 * (2 * n / 3 / 12).squareRoot()) * toSlots
        let quantization = magnitude * 0x1p-17
        let float32 = (abs(a) + 1) * magnitude * 0x1p-24
        return fresh + rescale + quantization + 7 * rounding * toSlots + float32
    }

    private func schedulers() throws -> [(String, any Scheduler)] {
        let configuration = SchedulerConfiguration.stableDiffusionV1
        return [
            ("plms", try PNDMScheduler(configuration: configuration, stepCount: 10)),
            ("ddim", try DDIMScheduler(configuration: configuration, stepCount: 10, eta: 0)),
            ("euler", try EulerDiscreteScheduler(configuration: configuration, stepCount: 10)),
            ("dpmpp2m", try DPMSolverMultistepScheduler(configuration: configuration, stepCount: 10)),
        ]
    }

    func testEveryModeAndSamplerMatchesThePlaintextUpdate() throws {
        let shape = [1, 4, 16, 16]
        for preset in CKKSParameters.Preset.allCases {
            for mode in [PrivacyMode.sparse, .packed, .paper] {
                let session = try PrivateUpdateSession(mode: mode, parameters: preset.parameters)
                for (name, prototype) in try schedulers() {
                    var scheduler = prototype
                    var generator = TorchRandomGenerator(seed: 3)
                    var latent = try generator.randn(shape: shape).scaled(by: Double(scheduler.initNoiseSigma))
                    for _ in 0..<4 {
                        let eps = try generator.randn(shape: shape)
                        let step = try scheduler.step(modelOutput: eps)
                        let expected = try step.apply(to: latent)
                        let (encrypted, report) = try session.update(latent, with: step)
                        let error = zip(expected.scalars, encrypted.scalars).map { abs(Double($0) - Double($1)) }.max() ?? 0
                        let magnitude = latent.scalars.map { Double(abs($0)) }.max() ?? 0
                        XCTAssertLessThanOrEqual(error, Self.bound(preset.parameters, a: step.latentCoefficient, magnitude: magnitude), "\(preset) \(mode) \(name)")
                        if mode.selectsPoints {
                            XCTAssertGreaterThan(report.encryptedFraction, 0.5)
                            XCTAssertLessThan(report.encryptedFraction, 1)
                        } else {
                            XCTAssertEqual(report.encryptedFraction, 1)
                        }
                        XCTAssertGreaterThan(report.bytesToEvaluator, 0)
                        latent = expected
                    }
                }
            }
        }
    }

    func testElementwiseBaselineAndItsExtrapolation() throws {
        let shape = [1, 4, 8, 8]
        var scheduler = try PNDMScheduler(configuration: .stableDiffusionV1, stepCount: 10)
        var generator = TorchRandomGenerator(seed: 5)
        let latent = try generator.randn(shape: shape)
        let step = try scheduler.step(modelOutput: try generator.randn(shape: shape))
        let expected = try step.apply(to: latent)
        let p = CKKSParameters.Preset.update.parameters
        let full = try PrivateUpdateSession(mode: .elementwise, parameters: p)
        let (all, fullReport) = try full.update(latent, with: step)
        XCTAssertFalse(fullReport.extrapolated)
        XCTAssertLessThanOrEqual(zip(expected.scalars, all.scalars).map { abs($0 - $1) }.max()!, Float(Self.bound(p, a: step.latentCoefficient, magnitude: 5)))
        let sampled = try PrivateUpdateSession(mode: .elementwise, parameters: p, baselineSample: 16)
        let (partial, sampledReport) = try sampled.update(latent, with: step)
        XCTAssertTrue(sampledReport.extrapolated)
        XCTAssertEqual(sampledReport.encryptedCount, 256)
        XCTAssertLessThanOrEqual(zip(expected.scalars, partial.scalars).map { abs($0 - $1) }.max()!, Float(Self.bound(p, a: step.latentCoefficient, magnitude: 5)))
    }

    func testOffModeIsThePlaintextUpdate() throws {
        var scheduler = try DDIMScheduler(configuration: .stableDiffusionV1, stepCount: 10, eta: 0)
        var generator = TorchRandomGenerator(seed: 9)
        let latent = try generator.randn(shape: [1, 4, 8, 8])
        let step = try scheduler.step(modelOutput: try generator.randn(shape: [1, 4, 8, 8]))
        let session = try PrivateUpdateSession(mode: .off, parameters: CKKSParameters.Preset.update.parameters)
        let (result, report) = try session.update(latent, with: step)
        XCTAssertEqual(result, try step.apply(to: latent))
        XCTAssertEqual(report.bytesToEvaluator, 0)
    }
}
