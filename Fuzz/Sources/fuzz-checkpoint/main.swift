import Foundation
import FuzzSupport
import StableDiffusion

/// Single-file checkpoints: the input is written to a scratch file and opened as
/// `SingleFileCheckpoint` does — a zip is read by `PyTorchCheckpoint` (the zip directory, the
/// restricted unpickler, the storages), anything else as safetensors — then every tensor the
/// archive lists is converted to float32, as a model load does.
struct CheckpointTarget: FuzzTarget {
    let file: FileBundle

    init() throws { file = try FileBundle(paths: ["model.ckpt"], name: "checkpoint") }

    func fuzz(_ bytes: [UInt8]) {
        file.write(bytes)
        let url = file.folder.appendingPathComponent("model.ckpt")
        if let checkpoint = try? PyTorchCheckpoint(contentsOf: url) {
            for name in checkpoint.names { _ = try? checkpoint.floats(named: name) }
        }
        _ = try? SingleFileCheckpoint(url: url)
    }

    /// Small `torch.save` state dicts (tools/fixtures: float32, float16, a strided view, an
    /// int64 buffer, a Lightning-style nesting) and the pickle that must be refused.
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        try RepositoryFiles.files(in: "Fuzz/Seeds/checkpoint", suffix: ".ckpt")
            + [("refused-global.ckpt", RepositoryFiles.bytes("Tests/Fixtures/single-file/refused-global.ckpt"))]
    }
}

FuzzMain.run(CheckpointTarget.self)
