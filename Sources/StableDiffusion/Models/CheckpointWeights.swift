import Tensor

/// A view of a checkpoint's tensors under one name prefix, handed down the module tree so that
/// every module reads its parameters by the names it has in the checkpoint (`resnets.0.conv1.weight`
/// under `down_blocks.1.`): the weight map follows from the module tree.
///
/// The only renaming anywhere is `aliases(of:)`, for older diffusers VAE checkpoints.
struct CheckpointWeights: Sendable {
    private let file: SafeTensors
    /// The full-name prefix of this scope, ending in "." unless empty.
    let prefix: String

    /// The whole checkpoint, unscoped.
    init(_ file: SafeTensors) {
        self.file = file
        self.prefix = ""
    }

    private init(file: SafeTensors, prefix: String) {
        self.file = file
        self.prefix = prefix
    }

    /// The scope of a child module, `prefix + name + "."`.
    func scoped(_ name: String) -> CheckpointWeights {
        CheckpointWeights(file: file, prefix: prefix + name + ".")
    }

    /// Whether the checkpoint holds `name` (under this scope, or under one of its aliases).
    func contains(_ name: String) -> Bool {
        resolvedName(prefix + name) != nil
    }

    /// The tensor `name` under this scope as float32, checked against the shape the config implies.
    ///
    /// - Throws: `SafeTensorsError.missingTensor` naming the full checkpoint name,
    ///   `.shapeMismatch` naming it with the expected and the stored shape.
    func tensor(_ name: String, shape: [Int]) throws -> Tensor {
        let fullName = prefix + name
        guard let stored = resolvedName(fullName) else {
            throw SafeTensorsError.missingTensor(file: file.path, tensor: fullName)
        }
        return try file.tensor(named: stored, shape: shape)
    }

    private func resolvedName(_ fullName: String) -> String? {
        ([fullName] + CheckpointWeights.aliases(of: fullName)).first { file.tensors[$0] != nil }
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
}
