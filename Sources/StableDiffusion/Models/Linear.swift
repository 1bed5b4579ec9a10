import Tensor

/// A fully connected layer (`torch.nn.Linear`): parameters `weight [out, in]` and optional `bias [out]`.
struct Linear: Sendable {
    let weight: Tensor
    let bias: Tensor?

    init(_ weights: CheckpointWeights, inFeatures: Int, outFeatures: Int, bias hasBias: Bool = true) throws {
        weight = try weights.tensor("weight", shape: [outFeatures, inFeatures])
        bias = hasBias ? try weights.tensor("bias", shape: [outFeatures]) : nil
    }

    /// `x · weightᵀ + bias`, plus `residual` (a skip connection added inside the GEMM).
    func callAsFunction(_ x: Tensor, residual: Tensor? = nil) throws -> Tensor {
        try x.linear(weight: weight, bias: bias, residual: residual)
    }
}
