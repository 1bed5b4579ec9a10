import Foundation
import StableDiffusion
import XCTest

/// Single-file checkpoints against the diffusers folder they were written from. The oracle is
/// diffusers: tools/fixtures/make_single_file_fixtures.py fails unless `from_single_file` reads
/// each file back equal to Tests/Fixtures/tiny-sd, so every tensor we read under a diffusers
/// name must equal the folder's (rounded to float16 where the file stores float16).
final class SingleFileCheckpointTests: XCTestCase {
    private let folder = Result { try DiffusersModelFolder(url: Fixtures.tinyModel) }

    func testFloat16SafetensorsWithEMAEqualsTheFolderRoundedToHalf() throws {
        let checkpoint = try SingleFileCheckpoint(url: Fixtures.singleFile.appendingPathComponent("tiny-sd.fp16-ema.safetensors"))
        XCTAssertTrue(checkpoint.usesEMA)
        XCTAssertTrue(checkpoint.hasVAE)
        try checkEveryTensor(of: checkpoint, rounding: { Float(Float16($0)) })
    }

    func testTorchCheckpointEqualsTheFolder() throws {
        let checkpoint = try SingleFileCheckpoint(url: Fixtures.singleFile.appendingPathComponent("tiny-sd.ckpt"))
        XCTAssertFalse(checkpoint.usesEMA)
        try checkEveryTensor(of: checkpoint, rounding: { $0 })
    }

    /// The EMA file's non-EMA UNet is a perturbed copy: reading it instead would differ.
    func testTheEMAWeightsAreTheOnesRead() throws {
        let url = Fixtures.singleFile.appendingPathComponent("tiny-sd.fp16-ema.safetensors")
        let file = try SafeTensors(contentsOf: url)
        let plain = try file.floats(named: "model.diffusion_model.input_blocks.0.0.weight")
        let ema = try file.floats(named: "model_ema.diffusion_modelinput_blocks00weight")
        XCTAssertNotEqual(plain, ema)
        let checkpoint = try SingleFileCheckpoint(url: url)
        let read = try source(checkpoint).weights(for: .unet).floats(named: "conv_in.weight")
        XCTAssertEqual(read, ema)
    }

    /// A pickle that calls `posix.system` is refused at the global, and nothing runs.
    func testAPickleWithAForeignGlobalIsRefusedWithoutRunningIt() throws {
        let marker = "/tmp/hediff-refused-global-ran"
        try? FileManager.default.removeItem(atPath: marker)
        XCTAssertThrowsError(try SingleFileCheckpoint(url: Fixtures.singleFile.appendingPathComponent("refused-global.ckpt"))) { error in
            guard case let CheckpointError.refusedGlobal(_, global) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(global, "posix.system")
            XCTAssertTrue("\(error)".contains("nothing was executed"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker))
    }

    /// Damaged copies of the checkpoint fail with an error (or load), never crash: bytes flipped
    /// in the pickle and the zip directory, and every truncation of the directory's tail.
    func testDamagedCheckpointsFailCleanly() throws {
        let original = try Data(contentsOf: Fixtures.singleFile.appendingPathComponent("tiny-sd.ckpt"))
        let directory = try Fixtures.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        let pickleStart = try XCTUnwrap(original.range(of: Data("data.pklPK".utf8))?.lowerBound ?? original.range(of: Data("data.pkl".utf8))?.upperBound)
        var generator = SystemRandomNumberGenerator()
        var damaged: [Data] = []
        for _ in 0..<150 {
            var copy = original
            let position = Int.random(in: pickleStart..<min(pickleStart + 40_000, copy.count), using: &generator)
            copy[position] ^= UInt8.random(in: 1...255, using: &generator)
            damaged.append(copy)
        }
        for _ in 0..<50 {
            var copy = original
            let position = Int.random(in: (copy.count - 40_000)..<copy.count, using: &generator)
            copy[position] ^= UInt8.random(in: 1...255, using: &generator)
            damaged.append(copy)
        }
        for cut in stride(from: original.count - 2_000, to: original.count, by: 37) { damaged.append(original.prefix(cut)) }
        let url = directory.appendingPathComponent("damaged.ckpt")
        var failures = 0
        for data in damaged {
            try data.write(to: url)
            do {
                let checkpoint = try SingleFileCheckpoint(url: url)
                let folder = try self.folder.get()
                _ = try? UNet2DConditionModel(config: folder.unet, weights: source(checkpoint).weights(for: .unet))
            } catch {
                failures += 1
                XCTAssertFalse("\(error)".isEmpty)
            }
        }
        XCTAssertGreaterThan(failures, 50)
    }

    func testDiffusersLayoutAndForeignFamiliesAreRefusedByName() throws {
        let unetFile = Fixtures.tinyModel.appendingPathComponent("unet/diffusion_pytorch_model.safetensors")
        XCTAssertThrowsError(try SingleFileCheckpoint(url: unetFile)) { error in
            XCTAssertTrue("\(error)".contains("diffusers layout"), "\(error)")
        }
    }

    // MARK: Helpers

    private func source(_ checkpoint: SingleFileCheckpoint) throws -> ModelSource {
        let folder = try self.folder.get()
        return try checkpoint.source(
            unet: folder.unet, vae: folder.vae, textEncoder: folder.textEncoder, scheduler: folder.scheduler,
            tokenizerURL: folder.tokenizerURL)
    }

    private func checkEveryTensor(of checkpoint: SingleFileCheckpoint, rounding: (Float) -> Float) throws {
        let folder = try self.folder.get()
        let source = try source(checkpoint)
        var checked = 0
        for component in DiffusersModelFolder.Component.allCases {
            let expected = try folder.weights(for: component)
            let actual = try source.weights(for: component)
            for name in expected.names where !name.hasSuffix("position_ids") {
                XCTAssertEqual(actual.shape(of: name), expected.tensors[name]?.shape, name)
                let values = try actual.floats(named: name)
                let reference = try expected.floats(named: name).map(rounding)
                XCTAssertEqual(values, reference, "\(component.rawValue): \(name) (stored as \(actual.storedName(of: name)))")
                checked += 1
            }
        }
        XCTAssertGreaterThan(checked, 300)
    }
}
