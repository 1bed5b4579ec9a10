/// Another archive's tensors under other names: one component of a single-file checkpoint seen
/// under the diffusers names its modules ask for.
///
/// `resolve` turns a requested name into the stored names to try, in order; the first one the
/// base archive holds is read. A stored 1×1 convolution kernel `[O, I, 1, 1]` requested as a
/// linear weight is reported and read as `[O, I]` (same elements, same order).
struct RenamedTensorArchive: TensorArchive {
    /// A stored name to try for a requested one.
    struct Candidate: Sendable {
        var name: String
        /// The stored tensor is a 1×1 convolution kernel read as a linear weight.
        var squeezesUnitKernel = false
    }

    let base: any TensorArchive
    let resolve: @Sendable (String) -> [Candidate]

    var path: String { base.path }

    func shape(of name: String) -> [Int]? {
        guard let (candidate, shape) = stored(name) else { return nil }
        guard candidate.squeezesUnitKernel, shape.count == 4, shape[2] == 1, shape[3] == 1 else { return shape }
        return Array(shape.prefix(2))
    }

    func floats(named name: String) throws -> [Float] {
        guard let (candidate, _) = stored(name) else {
            throw SafeTensorsError.missingTensor(file: path, tensor: storedName(of: name))
        }
        return try base.floats(named: candidate.name)
    }

    func storedName(of name: String) -> String {
        stored(name)?.0.name ?? resolve(name).first?.name ?? name
    }

    private func stored(_ name: String) -> (Candidate, [Int])? {
        for candidate in resolve(name) {
            if let shape = base.shape(of: candidate.name) { return (candidate, shape) }
        }
        return nil
    }
}
