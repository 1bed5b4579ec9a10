import Foundation
import PrivateUNet
import StableDiffusion
import Tensor
import XCTest
import _TestSupport

/// The whole fixed-point U-Net on the embedded tiny-shapes model against the float U-Net (an
/// independent implementation: Tensor's float kernels, no folding, exact functions).
final class FixedPointUNetTests: XCTestCase {
    static let modelURL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/tiny-shapes")

    /// Seeded standard normal values (Box–Muller).
    static func normals(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        return (0..<count).map { _ in
            let u = (Double(generator.next() >> 11) + 0.5) * 0x1p-53, v = Double(generator.next() >> 11) * 0x1p-53
            return Float((-2 * Foundation.log(u)).squareRoot() * Foundation.cos(2 * Double.pi * v))
        }
    }

    /// ε of both models for a CFG batch (prompt and empty prompt) at three timesteps of the 25-step schedule.
    ///
    /// Bound on ‖ε_fixed − ε_float‖ / ‖ε_float‖: 0.5 %. Measured (this test prints it): 0.08–0.09 % (0.11–0.21 %
    /// with the norms fixed but the design's exp, s = 6 at 12 bits; 0.87 % for a star prompt at t = 21). Reasoning:
    /// every stored value carries ≤ 1 LSB (2.4·10⁻⁴) of truncation error and SiLU/GELU add ≤ 2·10⁻³ absolute
    /// on activations of order 1; the softmax's exp adds up to ≈ 3·10⁻³ per probability and rsqrt ≤ 2^−9
    /// relatively; ≈ 60 such stages in series, with the norms re-normalising in between, give errors of
    /// order 10⁻³ relative to ε (‖ε‖ ≈ 1 per element). A wrong truncation, a missed fold or a
    /// wrapped accumulator gives errors of order 1 (the first build, whose Σd² wrapped in Z_2^37, measured 0.2–2.8).
    func testAgreesWithTheFloatUNet() throws {
        let folder = try DiffusersModelFolder(url: Self.modelURL)
        let pipeline = try StableDiffusionPipeline(folder: folder, loadingVAEEncoder: false)
        let fixed = try FixedPointUNet(source: folder.source)
        let ids = ["a red circle on a blue background", ""].map { pipeline.tokenizer.inputIDs(for: $0).inputIDs }
        let text = try pipeline.textEncoder(tokenIDs: ids)
        let latent = try Tensor(shape: [1, 4, 16, 16], scalars: Self.normals(1024, seed: 2026))
        let sample = try Tensor.concatenated([latent, latent], axis: 0)
        for timestep: Float in [961, 501, 21] {
            let reference = try pipeline.unet(sample, timestep: timestep, encoderHiddenStates: text)
            let start = Date()
            let result = try fixed(sample, timestep: timestep, encoderHiddenStates: text)
            let seconds = Date().timeIntervalSince(start)
            XCTAssertEqual(result.shape, reference.shape)
            let difference = zip(result.scalars, reference.scalars).map { Double($0 - $1) }
            let norm = reference.scalars.reduce(0) { $0 + Double($1) * Double($1) }.squareRoot()
            let relative = difference.reduce(0) { $0 + $1 * $1 }.squareRoot() / norm
            let largest = difference.map(abs).max() ?? 0
            print(String(format: "t = %.0f: relative L2 error %.5f, max |error| %.4f, %.2f s per batch-2 evaluation", timestep, relative, largest, seconds))
            XCTAssertLessThanOrEqual(relative, 0.005, "t = \(timestep)")
        }
    }

    /// Bad inputs are rejected with the reference's own error, not a crash.
    func testRejectsMisShapedInputs() throws {
        let folder = try DiffusersModelFolder(url: Self.modelURL)
        let fixed = try FixedPointUNet(source: folder.source)
        let states = Tensor(zeros: [1, 77, 64])
        XCTAssertThrowsError(try fixed(Tensor(zeros: [1, 3, 16, 16]), timestep: 1, encoderHiddenStates: states))
        XCTAssertThrowsError(try fixed(Tensor(zeros: [1, 4, 15, 16]), timestep: 1, encoderHiddenStates: states))
        XCTAssertThrowsError(try fixed(Tensor(zeros: [1, 4, 16, 16]), timestep: 1, encoderHiddenStates: Tensor(zeros: [1, 77, 32])))
    }

    /// The range recorder sees every layer kind and no wrapped accumulator on a real evaluation.
    func testRecorderCoversTheLayers() throws {
        let folder = try DiffusersModelFolder(url: Self.modelURL)
        let recorder = RangeRecorder()
        let fixed = try FixedPointUNet(source: folder.source).recording(into: recorder)
        _ = try fixed(
            Tensor(shape: [1, 4, 16, 16], scalars: Self.normals(1024, seed: 7)), timestep: 500,
            encoderHiddenStates: Tensor(shape: [1, 77, 64], scalars: Self.normals(77 * 64, seed: 8)))
        let names = recorder.layers.map(\.name)
        for expected in ["conv_in", "down_blocks.0.resnets.0.norm1", "down_blocks.0.resnets.0.conv1",
                         "down_blocks.1.attentions.0.transformer_blocks.0.attn1.logits", "mid_block.resnets.1", "conv_out"] {
            XCTAssertTrue(names.contains(expected), expected)
        }
        for (name, entry) in recorder.layers {
            XCTAssertGreaterThan(RangeRecorder.headroom(entry.stored, ringBits: fixed.format.ringBits), 8, name)
        }
    }

    /// Where nothing wraps, ℓ does not change any value: ℓ = 37 (the design's) and ℓ = 42 (the reference's
    /// default) give the same ε bit for bit on a real evaluation (with the same exp precision, which by
    /// default depends on ℓ); ℓ = 24 wraps and does not.
    func testRingWidthChangesNothingUntilSomethingWraps() throws {
        let folder = try DiffusersModelFolder(url: Self.modelURL)
        let sample = try Tensor(shape: [1, 4, 16, 16], scalars: Self.normals(1024, seed: 11))
        let states = try Tensor(shape: [1, 77, 64], scalars: Self.normals(77 * 64, seed: 12))
        func model(_ format: FixedPointFormat) throws -> FixedPointUNet {
            try FixedPointUNet(
                config: folder.unet, weights: folder.weights(for: .unet), format: format,
                math: FixedPointMath(format: format, expFractionBits: min(format.fractionBits + 5, (format.ringBits - 3) / 2)))
        }
        let wide = try model(.audited)
        let design = try model(.design)
        let narrow = try model(FixedPointFormat(ringBits: 24, fractionBits: 10))
        let expected = try wide(sample, timestep: 301, encoderHiddenStates: states)
        XCTAssertEqual(try design(sample, timestep: 301, encoderHiddenStates: states), expected)
        XCTAssertNotEqual(try narrow(sample, timestep: 301, encoderHiddenStates: states), expected)
    }
}
