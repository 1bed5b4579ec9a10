import ArgumentParser
import PrivateUNet
import StableDiffusion

/// Which arithmetic the noise predictor runs in: the float U-Net, or the private U-Net's fixed-point
/// reference (`PrivateUNet.FixedPointUNet`: Z_2^42 with 12 fraction bits, what the 2PC protocol computes).
enum UNetArithmetic: String, CaseIterable, ExpressibleByArgument {
    case float
    case fixed
}

/// `generate`'s `--unet-arithmetic`.
struct UNetArithmeticOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The U-Net's arithmetic: float, or fixed (the private U-Net's integer reference: Z_2^42, 12 fraction bits).",
        discussion: "Only the noise predictor changes, so fixed combines with every --privacy mode; the PNG records it."))
    var unetArithmetic: UNetArithmetic = .float

    /// `pipeline` with its noise predictor replaced by the fixed-point reference when the arithmetic is fixed.
    func configured(_ pipeline: StableDiffusionPipeline, source: ModelSource) throws -> StableDiffusionPipeline {
        guard unetArithmetic == .fixed else { return pipeline }
        var configured = pipeline
        configured.noisePredictor = try FixedPointUNet(config: source.unet, weights: source.weights(for: .unet))
        return configured
    }

    /// The metadata field for a fixed run (nil for float, the default, so float PNGs read as before).
    var metadataField: String? {
        guard unetArithmetic == .fixed else { return nil }
        let format = FixedPointFormat.audited
        return "U-Net arithmetic: fixed (Z_2^\(format.ringBits), \(format.fractionBits) fraction bits)"
    }
}
