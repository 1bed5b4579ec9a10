import StableDiffusion

/// Reads a U-Net checkpoint's float parameters by their diffusers names, checking element counts
/// against what the config implies (the float model's `CheckpointWeights` is internal to StableDiffusion).
struct WeightReader {
    let archive: any TensorArchive
    let prefix: String

    init(_ archive: any TensorArchive, prefix: String = "") {
        self.archive = archive
        self.prefix = prefix
    }

    func scoped(_ name: String) -> WeightReader { WeightReader(archive, prefix: prefix + name + ".") }

    /// The full name of `name` in this scope.
    func fullName(_ name: String) -> String { prefix + name }

    /// `name`'s values as doubles; throws when absent or when its element count is not `count`.
    func values(_ name: String, count: Int) throws -> [Double] {
        let full = prefix + name
        guard let shape = archive.shape(of: full) else {
            throw PrivateUNetError.missingTensor(full)
        }
        guard shape.reduce(1, *) == count else {
            throw PrivateUNetError.shapeMismatch(tensor: full, expectedCount: count, found: shape)
        }
        return try archive.floats(named: full).map(Double.init)
    }
}

/// Errors of the fixed-point reference U-Net.
public enum PrivateUNetError: Error, CustomStringConvertible, Equatable {
    case missingTensor(String)
    case shapeMismatch(tensor: String, expectedCount: Int, found: [Int])
    case unsupported(String)
    case invalidInput(String)

    public var description: String {
        switch self {
        case let .missingTensor(name): "fixed-point U-Net: the checkpoint has no tensor \(name)"
        case let .shapeMismatch(name, count, found): "fixed-point U-Net: \(name) has shape \(found), expected \(count) elements"
        case let .unsupported(what): "fixed-point U-Net: unsupported configuration: \(what)"
        case let .invalidInput(what): "fixed-point U-Net: invalid input: \(what)"
        }
    }
}
