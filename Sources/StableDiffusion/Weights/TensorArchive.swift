/// Named float tensors that a model component reads its parameters from: a safetensors file, a
/// PyTorch `.ckpt`, one component's share of a single-file checkpoint under diffusers names, or
/// any of these with LoRA deltas merged in.
///
/// Names are the archive's own; shapes are what the archive stores. Conversion to float32
/// happens only when a tensor is asked for, so opening a multi-gigabyte checkpoint costs only
/// what the model actually reads.
public protocol TensorArchive: Sendable {
    /// The file the tensors come from, named in every error message.
    var path: String { get }
    /// The stored shape of `name`, or `nil` when the archive has no such tensor.
    func shape(of name: String) -> [Int]?
    /// The elements of `name` as float32, in row-major order.
    ///
    /// - Throws: `SafeTensorsError.missingTensor` when absent, or the archive's own error when
    ///   the stored data cannot be converted.
    func floats(named name: String) throws -> [Float]
    /// The name `name` has in the file, for messages (the same name unless the archive renames).
    func storedName(of name: String) -> String
}

extension TensorArchive {
    public func storedName(of name: String) -> String { name }
}

extension SafeTensors: TensorArchive {
    public func shape(of name: String) -> [Int]? { tensors[name]?.shape }
}
