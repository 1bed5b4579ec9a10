import Foundation
import FuzzSupport
import StableDiffusion
import _TestSupport

/// `SafeTensors(contentsOf:)`: the input is written to a scratch file, opened (memory-mapped,
/// header validated), and every tensor it lists is converted to float32, as a model load does.
struct SafeTensorsTarget: FuzzTarget {
    let file: FileBundle

    init() throws { file = try FileBundle(paths: ["weights.safetensors"], name: "safetensors") }

    func fuzz(_ bytes: [UInt8]) {
        file.write(bytes)
        guard let weights = try? SafeTensors(contentsOf: file.folder.appendingPathComponent("weights.safetensors")) else { return }
        for name in weights.names {
            _ = try? weights.tensor(named: name)
        }
    }

    /// Files `SafeTensorsWriter` writes in each of its element types, with and without metadata,
    /// with scalars, empty and multi-dimensional tensors.
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let entries: [String: SafeTensorsWriter.Entry] = [
            "conv.weight": .init(shape: [2, 1, 2, 2], scalars: (0..<8).map { Float($0) / 3 - 1 }),
            "conv.bias": .init(shape: [2], scalars: [0.5, -0.25]),
            "scale": .init(shape: [], scalars: [0.18215]),
            "empty": .init(shape: [0, 3], scalars: []),
        ]
        var seeds: [(name: String, bytes: [UInt8])] = []
        for dtype in [SafeTensorsDType.float32, .float16, .bfloat16] {
            seeds.append(("\(dtype.rawValue)", [UInt8](try SafeTensorsWriter(dtype: dtype).encode(entries))))
        }
        let withMetadata = try SafeTensorsWriter(metadata: ["format": "pt", "source": "fuzz"])
        seeds.append(("F32-metadata", [UInt8](try withMetadata.encode(["x": .init(shape: [1, 3], scalars: [1, .infinity, -.nan])]))))
        return seeds
    }
}

FuzzMain.run(SafeTensorsTarget.self)
