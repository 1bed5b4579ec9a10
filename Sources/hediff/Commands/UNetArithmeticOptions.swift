import ArgumentParser
import PrivateUNet
import StableDiffusion

/// Which arithmetic the noise predictor runs in: the float U-Net, or the private U-Net's fixed-point
/// reference (`PrivateUNet.FixedPointUNet`: Z_2^42 with 12 fraction bits by default, what the 2PC
/// protocol computes).
enum UNetArithmetic: String, CaseIterable, ExpressibleByArgument {
    case float
    case fixed
}

/// `generate`'s `--unet-arithmetic` and the fixed-point format.
struct UNetArithmeticOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The U-Net's arithmetic: float, or fixed (the private U-Net's integer reference: Z_2^42, 12 fraction bits).",
        discussion: "Only the noise predictor changes, so fixed combines with every --privacy mode; the PNG records it."))
    var unetArithmetic: UNetArithmetic = .float

    @Option(parsing: .unconditional, help: "With --unet-arithmetic fixed: ring bits ℓ (default 42; the design's 37).")
    var fixedRingBits: Int?

    @Option(parsing: .unconditional, help: "With --unet-arithmetic fixed: fraction bits f (default 12).")
    var fixedFractionBits: Int?

    func validate() throws {
        if unetArithmetic == .float, fixedRingBits != nil || fixedFractionBits != nil {
            throw ValidationError("--fixed-ring-bits and --fixed-fraction-bits need --unet-arithmetic fixed")
        }
        let ring = fixedRingBits ?? FixedPointFormat.audited.ringBits
        let fraction = fixedFractionBits ?? FixedPointFormat.audited.fractionBits
        guard (16...62).contains(ring), fraction >= 1, 2 * fraction + 3 <= ring else {
            throw ValidationError("--fixed-ring-bits must lie in 16…62 and --fixed-fraction-bits in 1…(ring bits − 3)/2")
        }
    }

    /// The fixed-point format these options name.
    var format: FixedPointFormat {
        (try? FixedPointFormat(
            ringBits: fixedRingBits ?? FixedPointFormat.audited.ringBits,
            fractionBits: fixedFractionBits ?? FixedPointFormat.audited.fractionBits)) ?? .audited
    }

    /// `pipeline` with its noise predictor replaced by the fixed-point reference when the arithmetic is fixed.
    func configured(_ pipeline: StableDiffusionPipeline, source: ModelSource) throws -> StableDiffusionPipeline {
        guard unetArithmetic == .fixed else { return pipeline }
        var configured = pipeline
        configured.noisePredictor = try FixedPointUNet(config: source.unet, weights: source.weights(for: .unet), format: format)
        return configured
    }

    /// The metadata field for a fixed run (nil for float, the default, so float PNGs read as before).
    var metadataField: String? {
        guard unetArithmetic == .fixed else { return nil }
        return "U-Net arithmetic: fixed (Z_2^\(format.ringBits), \(format.fractionBits) fraction bits)"
    }
}
