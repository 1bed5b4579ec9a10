import ArgumentParser

/// `generate`'s prompts, sizes and start image.
struct ImageOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: "Output width in pixels, a multiple of 8 (default: the model's native size).")
    var width: Int?

    @Option(parsing: .unconditional, help: "Output height in pixels, a multiple of 8 (default: the model's native size).")
    var height: Int?

    @Option(name: [.customLong("images"), .customLong("batch-size")], parsing: .unconditional,
            help: "Images per prompt (diffusers' num_images_per_prompt), generated as one batch.")
    var batchSize: Int = 1

    @Option(help: "A text file with one prompt per line (blank lines skipped), instead of --prompt; the prompts run in turn with one loaded model.",
            completion: .file())
    var promptFile: String?

    @Option(help: "A PNG or JPEG to start from (image-to-image); resized (Lanczos) to --width/--height, else to its own size rounded down to the model's multiple.",
            completion: .file())
    var image: String?

    @Option(parsing: .unconditional, help: "Image-to-image: fraction of the schedule to run, in (0, 1].")
    var strength: Double?
}

/// Where `generate` writes its images and records.
struct OutputOptions: ParsableArguments {
    @Option(help: "Where to write the PNG (one prompt).")
    var output: String?

    @Option(help: "A folder to write the PNGs into, named <prompt>.<seed>.png (<prompt>.random.png for private noise).",
            completion: .directory)
    var outputDir: String?

    @Option(parsing: .unconditional, help: "Also write the decoded latent every N steps (the key holder's view), as NAME.step-0005.png beside each image.")
    var saveEvery: Int?

    @Option(help: "Write every message exchanged with the evaluator, exactly as sent, into this new folder (step-0001-request.bin, step-0001-reply.bin, …).")
    var transcript: String?
}
