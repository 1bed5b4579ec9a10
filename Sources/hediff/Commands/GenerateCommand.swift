import ArgumentParser
import Foundation
import HEDiffusion
import Imaging
import StableDiffusion

/// `hediff generate`: Stable Diffusion text-to-image and image-to-image, with the denoising
/// update on CKKS ciphertexts (HE-Diffusion) unless `--privacy off`.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate images with Stable Diffusion v1.x; every denoising update runs encrypted (--privacy).",
        discussion: """
            Privacy: the update x' = a*x + term runs on CKKS ciphertexts held by an evaluator without the key \
            (--privacy packed by default, noise from the key holder's CSPRNG unless --seed is given); the noise \
            predictor (U-Net) still sees the plaintext latent, as in the paper (docs/THREAT-MODEL.md; \
            hediff audit measures what the evaluator can rebuild).
            Without --model, the embedded tiny-shapes model is used. \
            With --image, the image is noised to --strength of the schedule and denoised (image-to-image); \
            its size is the output size. With --images N > 1, OUT.png becomes OUT-1.png ... OUT-N.png; \
            --output-dir names images <prompt>.<seed>.png instead. Without --seed a plaintext run draws a \
            seed and prints it. Every PNG records its prompt and settings (A1111 "parameters" text). \
            Progress goes to stderr; the written paths to stdout.
            """)

    @OptionGroup(title: "Model")
    var model: ModelOptions

    @OptionGroup(title: "Prompt and sampler")
    var sampling: SamplingOptions

    @OptionGroup(title: "Images")
    var images: ImageOptions

    @OptionGroup(title: "Output")
    var outputs: OutputOptions

    @OptionGroup(title: "Privacy")
    var privacy: PrivacyOptions

    @OptionGroup(title: "U-Net arithmetic")
    var arithmetic: UNetArithmeticOptions

    private var width: Int? { images.width }
    private var height: Int? { images.height }
    private var batchSize: Int { images.batchSize }
    private var promptFile: String? { images.promptFile }
    private var image: String? { images.image }
    private var strength: Double? { images.strength }
    private var output: String? { outputs.output }
    private var outputDir: String? { outputs.outputDir }
    private var saveEvery: Int? { outputs.saveEvery }
    private var transcript: String? { outputs.transcript }

    func validate() throws {
        if transcript != nil, !privacy.privacy.isPrivate { throw ValidationError("--transcript needs a private mode (--privacy off exchanges nothing)") }
        guard (sampling.prompt == nil) != (promptFile == nil) else { throw ValidationError("give --prompt or --prompt-file (one of them)") }
        guard (output == nil) != (outputDir == nil) else { throw ValidationError("give --output FILE or --output-dir DIR (one of them)") }
        if promptFile != nil, output != nil { throw ValidationError("--prompt-file writes several images: use --output-dir") }
        if promptFile != nil, privacy.report != nil || transcript != nil {
            throw ValidationError("--report and --transcript record one run: use them with --prompt")
        }
        if let saveEvery, saveEvery < 1 { throw ValidationError("--save-every must be at least 1") }
        guard batchSize >= 1 else { throw ValidationError("--images (--batch-size) must be at least 1, got \(batchSize)") }
        for (name, value) in [("width", width), ("height", height)] {
            if let value, value <= 0 || value % 8 != 0 {
                throw ValidationError("--\(name) must be a positive multiple of 8, got \(value)")
            }
        }
        if let strength {
            guard image != nil else { throw ValidationError("--strength needs --image") }
            guard strength > 0, strength <= 1 else { throw ValidationError("--strength must be in (0, 1]") }
        }
        try GenerationLimits.check(width: width, height: height, batchSize: batchSize)
    }

    func run() throws {
        let prompts = try promptFile.map(PromptList.read) ?? [sampling.requiredPrompt()]
        // A plaintext run without --seed draws one and says so; private runs use the key holder's noise.
        let seed = sampling.seed ?? (privacy.privacy.isPrivate ? nil : SamplingOptions.randomSeed())
        let seedText = seed.map(String.init) ?? "random"
        let outputs = try plannedOutputs(prompts: prompts, seedText: seedText)
        try privacy.checkOutputs()
        let transcriptFolder = try transcript.map(TranscriptFolder.init(path:))
        let source = try model.source()
        printError("loading \(source.location)…")
        try privacy.checkLatentSize(width: width, height: height, source: source)
        var configuration = sampling.configuration(defaults: source.generationDefaults)
        configuration.width = width
        configuration.height = height
        configuration.batchSize = batchSize
        if let seed { configuration.seed = seed }
        try privacy.checkAffine(configuration, source: source)
        let start = try image.map { try ImageFile.read(from: URL(fileURLWithPath: $0), maximumPixelCount: PNG.maximumPixelCount) }
        let pipeline = try arithmetic.configured(
            StableDiffusionPipeline(source: source, loadingVAEEncoder: image != nil), source: source)
        if let start {
            configuration.initImage = .init(image: try startImage(start, multiple: pipeline.imageSideMultiple), strength: strength ?? 0.8)
            configuration.width = configuration.initImage?.image.width
            configuration.height = configuration.initImage?.image.height
        }
        if sampling.seed == nil, let seed { printError("seed \(seed) (rerun with --seed \(seed) to repeat this run)") }

        for (index, prompt) in prompts.enumerated() {
            configuration.prompts = [prompt]
            if prompts.count > 1 { printError("prompt \(index + 1)/\(prompts.count): \(prompt)") }
            let files = outputs[index]
            var update = ObservedLatentUpdate(inner: try privacy.makeUpdate(), interval: saveEvery ?? Int.max) { latent, step in
                let images = try pipeline.decode(latent)
                let stepFiles = files.urls.map { $0.deletingPathExtension().appendingPathExtension("step-\(String(format: "%04d", step)).png") }
                try OutputFiles(urls: stepFiles).write(images)
            }
            var noise = privacy.makeNoise(seed: seed)
            printError(SamplingOptions.summary(configuration, noise: noise.origin))
            var bar = ProgressBar()
            let result = try pipeline.generate(configuration, latentUpdate: &update, noise: &noise) { event in
                switch event {
                case let .promptTruncated(truncation):
                    bar.finishLine()
                    printError(
                        "warning: the \(truncation.isNegative ? "negative prompt" : "prompt") is longer than "
                            + "\(truncation.keptTokenCount) tokens; its last \(truncation.droppedTokenCount) are ignored")
                case let .step(index, count, seconds):
                    bar.update(step: index, of: count, seconds: seconds)
                }
            }
            bar.finishLine()
            try privacy.finish(update.inner.runReport(noise: noise.origin))
            try transcriptFolder?.write(update.inner.session.transcript)
            let metadata = ImageMetadata(
                prompt: prompt, negativePrompt: sampling.negativePrompt, configuration: configuration, seed: seedText,
                width: result.images.first?.width ?? 0, height: result.images.first?.height ?? 0,
                model: URL(fileURLWithPath: source.location).lastPathComponent, privacy: privacy.privacy,
                heParameters: privacy.heParams.rawValue, loras: model.loras, unetArithmetic: arithmetic.metadataField)
            try files.write(result.images, text: metadata.textChunks)
            for url in files.urls { print(url.path) }
        }
    }

    /// The start image at the generation size: `--width`/`--height` when given, else its own
    /// size rounded down to `multiple` (diffusers rounds to the VAE's factor, 8); resized with
    /// Lanczos, the filter diffusers' image processor uses.
    private func startImage(_ start: PixelImage, multiple: Int) throws -> PixelImage {
        let targetWidth = width ?? start.width / multiple * multiple
        let targetHeight = height ?? start.height / multiple * multiple
        guard targetWidth > 0, targetHeight > 0 else {
            throw ValidationErrorMessage("--image is \(start.width)x\(start.height); this model needs at least \(multiple)x\(multiple) (or give --width and --height)")
        }
        try GenerationLimits.check(width: targetWidth, height: targetHeight, batchSize: batchSize)
        if targetWidth != start.width || targetHeight != start.height {
            printError("resizing the start image from \(start.width)x\(start.height) to \(targetWidth)x\(targetHeight) (Lanczos)")
        }
        return try start.resized(width: targetWidth, height: targetHeight)
    }

    /// Every image file of the run, per prompt, checked before the model loads.
    private func plannedOutputs(prompts: [String], seedText: String) throws -> [OutputFiles] {
        if let output { return [try OutputFiles(path: output, count: batchSize)] }
        let directory = URL(fileURLWithPath: outputDir ?? ".")
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputPathError(path: directory.path, reason: "--output-dir must be an existing folder")
        }
        guard prompts.count * batchSize <= OutputFiles.maximumCount else {
            throw OutputPathError(path: directory.path, reason: "\(prompts.count * batchSize) images requested; a run writes at most \(OutputFiles.maximumCount)")
        }
        var naming = OutputNaming()
        return try prompts.map { try OutputFiles(urls: naming.urls(directory: directory, prompt: $0, seed: seedText, count: batchSize)) }
    }
}

extension GenerationConfiguration.Sampler: ExpressibleByArgument {}

/// A one-line progress bar on stderr: redrawn in place on a terminal, one line per step otherwise.
struct ProgressBar {
    private let interactive = isatty(STDERR_FILENO) != 0
    private var drawn = false

    mutating func update(step: Int, of count: Int, seconds: Double) {
        let width = 30
        let filled = count > 0 ? width * step / count : width
        let bar = String(repeating: "#", count: filled) + String(repeating: "-", count: width - filled)
        let remaining = Double(count - step) * seconds
        let line = "step \(step)/\(count) [\(bar)] " + String(format: "%.2f s/step, %.0f s left", seconds, remaining)
        if interactive {
            FileHandle.standardError.write(Data(("\r" + line).utf8))
            drawn = step < count
            if !drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        } else {
            printError(line)
        }
    }

    /// Ends a bar left mid-line, so the next message starts on its own line.
    mutating func finishLine() {
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
    }
}
