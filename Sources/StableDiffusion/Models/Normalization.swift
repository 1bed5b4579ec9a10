import Tensor

/// Group normalization (`torch.nn.GroupNorm`, affine) over `[N, C, …]`, optionally fused with the
/// SiLU that follows it in ResNet blocks and output heads.
struct GroupNorm: Sendable {
    let groupCount: Int
    let epsilon: Float
    let weight: Tensor
    let bias: Tensor

    init(_ weights: CheckpointWeights, channels: Int, groupCount: Int, epsilon: Float) throws {
        weight = try weights.tensor("weight", shape: [channels])
        bias = try weights.tensor("bias", shape: [channels])
        self.groupCount = groupCount
        self.epsilon = epsilon
    }

    func callAsFunction(_ x: Tensor, applyingSiLU: Bool = false) throws -> Tensor {
        try x.groupNorm(groupCount: groupCount, weight: weight, bias: bias, epsilon: epsilon, applyingSiLU: applyingSiLU)
    }
}

/// Layer normalization (`torch.nn.LayerNorm`, affine) over the last dimension.
struct LayerNorm: Sendable {
    let epsilon: Float
    let weight: Tensor
    let bias: Tensor

    init(_ weights: CheckpointWeights, width: Int, epsilon: Float) throws {
        weight = try weights.tensor("weight", shape: [width])
        bias = try weights.tensor("bias", shape: [width])
        self.epsilon = epsilon
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try x.layerNorm(weight: weight, bias: bias, epsilon: epsilon)
    }
}
