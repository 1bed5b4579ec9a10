extension GenerationConfiguration {
    /// The longest output side accepted, in pixels: 4x SD v1.x's native 512. Larger requests
    /// (100000 px asks for 625 M noise values) are refused before any work.
    public static let maximumImageSide = 2048

    /// The most pixels one run may produce, all images together: one 2048x2048 image, or sixteen
    /// of 512x512. The VAE decoder holds 128-channel activations of every output pixel at once,
    /// about 2 GiB per activation at this cap.
    public static let maximumPixelCount = maximumImageSide * maximumImageSide

    /// Checks every setting that needs no model, so that a caller can refuse bad input before
    /// loading one (`StableDiffusionPipeline` checks them again with the model's sizes): prompts,
    /// steps, guidance, batch size, DDIM eta, image-to-image strength, and the width and height
    /// where set (positive, at most `maximumImageSide`, together with the batch at most
    /// `maximumPixelCount` pixels).
    ///
    /// - Throws: `PipelineError.invalidSetting` naming the setting, its value and the valid range.
    public func checkSettings() throws {
        func invalid(_ name: String, _ value: Any, _ expected: String) -> PipelineError {
            .invalidSetting(name: name, value: "\(value)", expected: expected)
        }
        guard !prompts.isEmpty else { throw invalid("prompts", "[]", "at least one prompt") }
        guard stepCount >= 1 else { throw invalid("steps", stepCount, "at least 1") }
        guard guidanceScale.isFinite else { throw invalid("guidance scale", guidanceScale, "a finite number (7.5 is usual)") }
        guard batchSize >= 1 else { throw invalid("batch size", batchSize, "at least 1") }
        guard ddimEta >= 0, ddimEta <= 1 else { throw invalid("DDIM eta", ddimEta, "a value in [0, 1]") }
        if let start = initImage {
            guard start.strength > 0, start.strength <= 1 else { throw invalid("strength", start.strength, "a value in (0, 1]") }
        }
        try Self.checkImageSize(width: width ?? 1, height: height ?? 1, promptCount: prompts.count, batchSize: batchSize)
    }

    /// Refuses a side outside `1...maximumImageSide` or a run of more than `maximumPixelCount`
    /// pixels (`promptCount · batchSize` images of `width · height`), without overflowing.
    ///
    /// - Throws: `PipelineError.invalidSetting` naming "width", "height" or "batch size".
    static func checkImageSize(width: Int, height: Int, promptCount: Int, batchSize: Int) throws {
        for (name, side) in [("width", width), ("height", height)] {
            guard (1...maximumImageSide).contains(side) else {
                throw PipelineError.invalidSetting(
                    name: name, value: "\(side)", expected: "a positive value of at most \(maximumImageSide) pixels")
            }
        }
        let perImage = width * height
        let images = promptCount.multipliedReportingOverflow(by: batchSize)
        guard !images.overflow, images.partialValue <= maximumPixelCount / perImage else {
            throw PipelineError.invalidSetting(
                name: "batch size", value: "\(batchSize)",
                expected: "at most \(maximumPixelCount) pixels per run: \(maximumPixelCount / perImage / promptCount) "
                    + "images of \(width)x\(height) per prompt")
        }
    }
}
