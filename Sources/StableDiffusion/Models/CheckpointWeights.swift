import Tensor

/// A view of a checkpoint's tensors under one name prefix, handed down the module tree so that
/// every module reads its parameters by the names it has in the checkpoint (`resnets.0.conv1.weight`
/// under `down_blocks.1.`): the weight map follows from the module tree.
///
/// The only renaming anywhere is `aliases(of:)`, for older diffusers VAE checkpoints.
struct CheckpointWeights: Sendable {
    /// Where parameters come from.
    private enum Source: Sendable {
        /// A checkpoint file, or a renamed or merged view of one.
        case file(any TensorArchive)
        /// Seeded random values of whatever shape the module asks for (benchmarks without a download).
        case random(seed: UInt64)
    }

    private let source: Source
    /// The full-name prefix of this scope, ending in "." unless empty.
    let prefix: String

    /// The whole checkpoint, unscoped.
    init(_ file: any TensorArchive) {
        self.source = .file(file)
        self.prefix = ""
    }

    /// Random parameters: each tensor uniform in ±1/√fan-in (fan-in = elements per output row),
    /// drawn from a generator seeded by `seed` and the tensor's full name, so a model's values do
    /// not depend on the order its modules are built in.
    init(randomSeed seed: UInt64) {
        self.source = .random(seed: seed)
        self.prefix = ""
    }

    private init(source: Source, prefix: String) {
        self.source = source
        self.prefix = prefix
    }

    /// The scope of a child module, `prefix + name + "."`.
    func scoped(_ name: String) -> CheckpointWeights {
        CheckpointWeights(source: source, prefix: prefix + name + ".")
    }

    /// Whether the checkpoint holds `name` (under this scope, or under one of its aliases).
    /// Random parameters contain only the names modules ask for by `tensor`, so never an optional one.
    func contains(_ name: String) -> Bool {
        guard case let .file(file) = source else { return false }
        return resolvedName(prefix + name, in: file) != nil
    }

    /// The tensor `name` under this scope as float32, checked against the shape the config implies.
    ///
    /// - Throws: `SafeTensorsError.missingTensor` naming the full checkpoint name,
    ///   `.shapeMismatch` naming it with the expected and the stored shape.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        let fullName = prefix + name
        switch source {
        case let .random(seed):
            return try Self.randomTensor(shape: shape, seed: seed, name: fullName)
        case let .file(file):
            guard let stored = resolvedName(fullName, in: file) else {
                throw SafeTensorsError.missingTensor(file: file.path, tensor: file.storedName(of: fullName))
            }
            let found = file.shape(of: stored) ?? []
            guard found == shape else {
                throw SafeTensorsError.shapeMismatch(file: file.path, tensor: file.storedName(of: stored), expected: shape, found: found)
            }
            return try Tensor(shape: shape, scalars: file.floats(named: stored))
        }
    }

    private func resolvedName(_ fullName: String, in file: any TensorArchive) -> String? {
        ([fullName] + CheckpointWeights.aliases(of: fullName)).first { file.shape(of: $0) != nil }
    }

    /// Older names of a tensor: diffusers before 0.14 saved the VAE's mid-block attention as
    /// `query`/`key`/`value`/`proj_attn` (Matches: diffusers 0.42.1
    /// `modeling_utils.py` `_convert_deprecated_attention_blocks`); many SD v1.x folders still do.
    static func aliases(of fullName: String) -> [String] {
        let renames = [
            ".to_q.": ".query.", ".to_k.": ".key.", ".to_v.": ".value.", ".to_out.0.": ".proj_attn.",
        ]
        return renames.compactMap { current, legacy in
            fullName.contains(current) ? fullName.replacingOccurrences(of: current, with: legacy) : nil
        }
    }

    private static func randomTensor(shape: [Int], seed: UInt64, name: String) throws -> Tensor {
        // FNV-1a of the name, mixed with the seed, starts a SplitMix64 stream.
        var state = name.utf8.reduce(0xCBF2_9CE4_8422_2325 as UInt64) { ($0 ^ UInt64($1)) &* 0x100_0000_01B3 } ^ seed
        let fanIn = max(shape.dropFirst().reduce(1, *), 1)
        let bound = 1 / Float(fanIn).squareRoot()
        return try Tensor(shape: shape, scalars: (0..<shape.reduce(1, *)).map { _ in
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            z ^= z >> 31
            let unit = Float(z >> 40) * 0x1p-24
            return (2 * unit - 1) * bound
        })
    }
}
