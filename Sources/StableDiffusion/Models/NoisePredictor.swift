import Tensor

/// What the pipeline's denoising loop calls for ε: the float `UNet2DConditionModel`, or another
/// implementation of the same function (the private U-Net's fixed-point reference lives in a separate
/// target, so StableDiffusion stays free of any arithmetic beyond floats, DESIGN.md §4).
public protocol NoisePredictor: Sendable {
    /// The predicted noise ε `[N, out_channels, H, W]` for `sample` `[N, in_channels, H, W]` at
    /// `timestep`, conditioned on `encoderHiddenStates` `[N, S, cross_attention_dim]`.
    func callAsFunction(_ sample: Tensor, timestep: Float, encoderHiddenStates: Tensor) throws -> Tensor
}

extension UNet2DConditionModel: NoisePredictor {}
