import Tensor

/// A 2-D convolution (`torch.nn.Conv2d`, groups 1): parameters `weight [out, in, k, k]` and `bias [out]`.
struct Conv2D: Sendable {
    let weight: Tensor
    let bias: Tensor
    let stride: Int
    let padding: Padding2D

    init(
        _ weights: CheckpointWeights, inChannels: Int, outChannels: Int, kernelSize: Int,
        stride: Int = 1, padding: Padding2D = 0
    ) throws {
        weight = try weights.tensor("weight", shape: [outChannels, inChannels, kernelSize, kernelSize])
        bias = try weights.tensor("bias", shape: [outChannels])
        self.stride = stride
        self.padding = padding
    }

    /// The convolution of an `[N, in, H, W]` input, plus `residual` when given (a ResNet shortcut).
    func callAsFunction(_ x: Tensor, residual: Tensor? = nil) throws -> Tensor {
        try x.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, residual: residual)
    }
}
