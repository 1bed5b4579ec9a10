import Tensor

/// Halves the spatial size with a stride-2 3×3 convolution (diffusers `Downsample2D` with
/// `use_conv`). The UNet pads symmetrically (`downsample_padding`, 1 in SD); the VAE encoder
/// passes padding 0, for which diffusers pads only the bottom and right by one.
///
/// Matches: diffusers 0.42.1 `models/downsampling.py` `Downsample2D`.
struct Downsample2D: Sendable {
    let conv: Conv2D

    init(_ weights: CheckpointWeights, channels: Int, padding: Int) throws {
        conv = try Conv2D(
            weights.scoped("conv"), inChannels: channels, outChannels: channels, kernelSize: 3, stride: 2,
            padding: padding == 0 ? Padding2D(top: 0, bottom: 1, left: 0, right: 1) : Padding2D(padding))
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try conv(x)
    }
}

/// Doubles the spatial size: nearest-neighbour 2× upsampling, then a 3×3 convolution (diffusers
/// `Upsample2D` with `use_conv`).
///
/// Matches: diffusers 0.42.1 `models/upsampling.py` `Upsample2D`.
struct Upsample2D: Sendable {
    let conv: Conv2D

    init(_ weights: CheckpointWeights, channels: Int) throws {
        conv = try Conv2D(weights.scoped("conv"), inChannels: channels, outChannels: channels, kernelSize: 3, padding: 1)
    }

    func callAsFunction(_ x: Tensor) throws -> Tensor {
        try conv(x.upsampledNearest2x())
    }
}
