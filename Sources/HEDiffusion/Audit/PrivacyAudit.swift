import Foundation
import Imaging
import StableDiffusion
import Tensor

/// Plays the evaluator after a private generation: from the requests it received and public
/// information only — the model, the sampler, the step count, the guidance scale, the image size,
/// the CKKS parameters and the selection threshold — it tries to rebuild the image, and scores
/// each attempt against the real image (docs/THREAT-MODEL.md).
///
/// Attacks: `seed-search` (the torch seed, checked against the transcript), `affine-inversion`
/// (plaintext values mapped back through the public per-step maps, the rest inpainted),
/// `term-recurrence` (the initial latent from the first plaintext noise prediction), `mask-only`
/// and `mask-matching` (the selected coordinates, read through the attacker's own generations). Chance is
/// the better of two reconstructions made without the transcript.
public struct PrivacyAudit {
    public let pipeline: StableDiffusionPipeline
    /// The run's settings with the prompts removed: all the evaluator may know of them.
    public let publicConfiguration: GenerationConfiguration
    public let mode: PrivacyMode
    public let selector: MinDistortionSelector
    /// Seeds 0 ..< seedBudget are tried.
    public var seedBudget = 65_536
    /// The attacker's own generations (prior, mask statistics, chance).
    public var calibrationRuns = 8
    /// Read the embedded tiny-shapes model's attributes from every image (`ShapesAttributes`).
    public var readsShapesAttributes = false

    public init(pipeline: StableDiffusionPipeline, configuration: GenerationConfiguration, mode: PrivacyMode, threshold: Double) throws {
        var publicConfiguration = configuration
        publicConfiguration.prompts = [""]
        publicConfiguration.negativePrompts = []
        guard configuration.initImage == nil, configuration.imageCount == 1 else {
            throw HEDiffusionError.malformedMessage("the audit attacks one text-to-image generation (no --image, batch size 1)")
        }
        self.pipeline = pipeline
        self.publicConfiguration = publicConfiguration
        self.mode = mode
        self.selector = try MinDistortionSelector(threshold: threshold)
    }

    /// A reconstruction, decoded, with its report entry.
    public struct Reconstruction: Sendable {
        public let entry: AuditReport.Entry
        public let image: PixelImage?
    }

    /// Everything the audit made.
    public struct Result: Sendable {
        public let report: AuditReport
        public let attacks: [Reconstruction]
        public let baselines: [Reconstruction]
    }

    /// Runs every attack on `view` and scores it against `truth`, the image the key holder decoded.
    public func run(view: EvaluatorView, noise: NoiseOrigin, truth: PixelImage) throws -> Result {
        let dynamics = AffineDynamics(view)
        let firstStep = try FirstStepRelation(pipeline: pipeline, configuration: publicConfiguration, shape: view.shape)
        let calibration = try AuditCalibration(
            pipeline: pipeline, publicConfiguration: publicConfiguration, runs: calibrationRuns,
            selector: mode.selectsPoints ? selector : nil)
        let realAttributes = readsShapesAttributes ? ShapesAttributes(image: truth) : nil
        let scorer = Scorer(pipeline: pipeline, shape: view.shape, truth: truth, truthAttributes: realAttributes)

        let (seedAttack, seedFound) = try seedSearch(view, dynamics, firstStep, scorer)
        let attacks = [
            seedAttack,
            try affineInversion(view, dynamics, firstStep, scorer),
            try termRecurrence(view, dynamics, firstStep, scorer),
            try maskOnly(view, calibration, scorer),
            try maskMatching(view, calibration, scorer),
        ]

        let baselines = try self.baselines(dynamics, firstStep, calibration, scorer)
        let chance = baselines.compactMap(\.entry.psnrDB).max() ?? 0
        let best = attacks.compactMap(\.entry.psnrDB).max() ?? chance
        let report = AuditReport(
            mode: mode, noise: noise, chancePSNRDB: chance, maxPSNRDB: best, seedFound: seedFound,
            attacks: attacks.map(\.entry), realAttributes: realAttributes, baselines: baselines.map(\.entry))
        return Result(report: report, attacks: attacks, baselines: baselines)
    }

    // MARK: Attacks

    private func seedSearch(
        _ view: EvaluatorView, _ dynamics: AffineDynamics, _ firstStep: FirstStepRelation, _ scorer: Scorer
    ) throws -> (Reconstruction, UInt64?) {
        let name = "seed-search"
        guard let evidence = SeedSearch.evidence(in: view, selector: selector) else {
            return (scorer.none(name, "no seed can be checked: the transcript shows nothing of the initial latent"), nil)
        }
        let search = SeedSearch(shape: view.shape, initNoiseSigma: firstStep.initNoiseSigma)
        guard let seed = search.search(budget: seedBudget, evidence: evidence) else {
            return (scorer.none(name, "no seed below \(seedBudget) agrees with the transcript"), nil)
        }
        var generator = TorchRandomGenerator(seed: seed)
        let initial = (try generator.randn(shape: view.shape) * firstStep.initNoiseSigma).scalars.map(Double.init)
        if let final = dynamics.finalLatent(from: initial) {
            return (try scorer.score(name, final, recovered: 1, "seed \(seed) confirmed; final latent = C·x_T + K"), seed)
        }
        // The terms are encrypted: run the public model from the seed's noise without a prompt.
        var update = PlaintextLatentUpdate()
        var configuration = publicConfiguration
        configuration.guidanceScale = 1
        var noise = TorchRandomGenerator(seed: seed)
        let final = try pipeline.denoise(configuration, latentUpdate: &update, noise: &noise)
        return (try scorer.score(name, final.scalars.map(Double.init), recovered: 1,
                                 "seed \(seed) confirmed; terms encrypted: the public model run from it without a prompt"), seed)
    }

    private func affineInversion(
        _ view: EvaluatorView, _ dynamics: AffineDynamics, _ firstStep: FirstStepRelation, _ scorer: Scorer
    ) throws -> Reconstruction {
        let name = "affine-inversion"
        guard let offsets = dynamics.offsets, view.steps.contains(where: { $0.remainder != nil }) else {
            return scorer.none(name, "not applicable: the transcript carries no plaintext latent values")
        }
        let count = view.elementCount
        var initial = [Double](repeating: 0, count: count)
        var known = [Bool](repeating: false, count: count)
        for (k, step) in view.steps.enumerated() {
            guard let remainder = step.remainder else { continue }
            var encrypted = [Bool](repeating: false, count: count)
            for i in step.encryptedIndices { encrypted[Int(i)] = true }
            let c = dynamics.coefficients[k]
            remainder.withUnsafeBufferPointer { values in
                for i in 0..<count where !encrypted[i] && !known[i] {
                    initial[i] = (Double(values[i]) - offsets[k][i]) / c
                    known[i] = true
                }
            }
        }
        let recovered = Double(known.filter { $0 }.count) / Double(count)
        // The unseen points: inpaint the model's first x̂₀ (smooth) rather than the noise itself.
        if let eps = firstStep.firstNoisePrediction(view) {
            var estimate = [Double](repeating: 0, count: count)
            for i in 0..<count where known[i] { estimate[i] = (initial[i] - firstStep.noiseScale * eps[i]) / firstStep.signalScale }
            let filled = LatentInpainting.fill(estimate, known: known, planes: count / firstStep.planeSize,
                                               height: firstStep.height, width: firstStep.width)
            for i in 0..<count where !known[i] { initial[i] = firstStep.signalScale * filled[i] + firstStep.noiseScale * eps[i] }
        }
        guard let final = dynamics.finalLatent(from: initial) else {
            return scorer.none(name, "not applicable: the terms are encrypted")
        }
        return try scorer.score(name, final, recovered: recovered,
                                String(format: "%.1f%% of x_T seen in plaintext remainders; the rest inpainted", recovered * 100))
    }

    private func termRecurrence(
        _ view: EvaluatorView, _ dynamics: AffineDynamics, _ firstStep: FirstStepRelation, _ scorer: Scorer
    ) throws -> Reconstruction {
        let name = "term-recurrence"
        guard let eps = firstStep.firstNoisePrediction(view) else {
            return scorer.none(name, "not applicable: the terms are encrypted")
        }
        let initial = eps.map { firstStep.noiseScale * $0 }
        guard let final = dynamics.finalLatent(from: initial) else {
            return scorer.none(name, "not applicable: the terms are encrypted")
        }
        return try scorer.score(name, final, recovered: 0, "x_T ≈ √(1−ᾱ)·ε̂ from the first plaintext term: x_0 − x̂₀")
    }

    /// The attacker's generations give, per channel and per bin of "how often a point was
    /// encrypted", the mean offset of the final latent from the prior mean; the observed
    /// frequencies then select those offsets.
    private func maskOnly(_ view: EvaluatorView, _ calibration: AuditCalibration, _ scorer: Scorer) throws -> Reconstruction {
        let name = "mask-only"
        let count = view.elementCount
        let frequency = Self.encryptionFrequencies(view)
        let prior = calibration.meanLatent
        let channels = view.shape.count == 4 ? view.shape[1] : view.shape[0]
        let plane = count / max(channels, 1)
        let bins = 4
        func bin(_ f: Double) -> Int { min(bins - 1, Int(f * Double(bins))) }
        var sums = [Double](repeating: 0, count: channels * bins), counts = sums
        for (latent, frequencies) in zip(calibration.finalLatents, calibration.encryptedFrequencies) {
            for i in 0..<count {
                let key = (i / plane) % channels * bins + bin(frequencies[i])
                sums[key] += latent[i] - prior[i]
                counts[key] += 1
            }
        }
        let final = (0..<count).map { i -> Double in
            let key = (i / plane) % channels * bins + bin(frequency[i])
            return prior[i] + (counts[key] > 0 ? sums[key] / counts[key] : 0)
        }
        let status = view.maskVaries
            ? "class means of the attacker's own generations by how often each point was encrypted"
            : "every point encrypted at every step: the mask carries nothing (this is the prior mean)"
        return try scorer.score(name, final, recovered: 0, status)
    }

    /// The attacker's generation whose encryption frequencies correlate best with the observed
    /// ones, as a whole: where the mask traces a layout (the selection leaves low-cost points, such
    /// as a shape's edges, unencrypted), the closest calibration layout is the guess.
    private func maskMatching(_ view: EvaluatorView, _ calibration: AuditCalibration, _ scorer: Scorer) throws -> Reconstruction {
        let name = "mask-matching"
        guard view.maskVaries else {
            return scorer.none(name, "not applicable: every point encrypted at every step, the mask carries nothing")
        }
        let observed = Self.encryptionFrequencies(view)
        let correlations = calibration.encryptedFrequencies.map { Self.correlation(observed, $0) }
        guard let best = correlations.indices.max(by: { correlations[$0] < correlations[$1] }) else {
            return scorer.none(name, "no calibration runs")
        }
        return try scorer.score(name, calibration.finalLatents[best], recovered: 0, String(
            format: "the attacker's generation whose mask frequencies correlate best (r = %.2f of %d)",
            correlations[best], calibration.finalLatents.count))
    }

    /// Per point, the fraction of requests that sent it encrypted.
    static func encryptionFrequencies(_ view: EvaluatorView) -> [Double] {
        var frequency = [Double](repeating: 0, count: view.elementCount)
        for step in view.steps { for i in step.encryptedIndices { frequency[Int(i)] += 1 } }
        return frequency.map { $0 / Double(max(view.steps.count, 1)) }
    }

    /// Pearson correlation (0 when either side is constant).
    static func correlation(_ a: [Double], _ b: [Double]) -> Double {
        let n = Double(a.count)
        let (ma, mb) = (a.reduce(0, +) / n, b.reduce(0, +) / n)
        var (sab, saa, sbb) = (0.0, 0.0, 0.0)
        for (x, y) in zip(a, b) {
            sab += (x - ma) * (y - mb)
            saa += (x - ma) * (x - ma)
            sbb += (y - mb) * (y - mb)
        }
        return saa > 0 && sbb > 0 ? sab / (saa * sbb).squareRoot() : 0
    }

    // MARK: Chance

    private func baselines(
        _ dynamics: AffineDynamics, _ firstStep: FirstStepRelation, _ calibration: AuditCalibration, _ scorer: Scorer
    ) throws -> [Reconstruction] {
        let prior = try scorer.score("prior-mean", calibration.meanLatent, recovered: 0,
                                     "the mean of \(calibration.finalLatents.count) of the attacker's own generations")
        var samples: [[Double]] = []
        var status = "the public model from random noise without a prompt (the attacker's own generations)"
        if dynamics.offsets != nil {
            var noise = SecureNoiseGenerator()
            for _ in 0..<max(1, calibrationRuns) {
                let initial = (try noise.randn(shape: scorer.shape) * firstStep.initNoiseSigma).scalars.map(Double.init)
                if let final = dynamics.finalLatent(from: initial) { samples.append(final) }
            }
            status = "random x_T through the public maps C·x_T + K"
        } else {
            samples = calibration.finalLatents
        }
        let scored = try samples.map { try scorer.score("random-noise", $0, recovered: 0, status) }
        let psnrs = scored.compactMap(\.entry.psnrDB), ssims = scored.compactMap(\.entry.ssim)
        var mean = AuditReport.Entry(
            name: "random-noise", psnrDB: psnrs.isEmpty ? nil : psnrs.reduce(0, +) / Double(psnrs.count),
            ssim: ssims.isEmpty ? nil : ssims.reduce(0, +) / Double(ssims.count), recoveredFraction: 0,
            status: status + " (mean of \(scored.count); attributes of the first)")
        mean.attributes = scored.first?.entry.attributes
        mean.attributesMatched = scored.first?.entry.attributesMatched
        return [Reconstruction(entry: mean, image: scored.first?.image), prior]
    }
}

/// The relation between the initial latent and the first noise prediction, from the public sampler:
/// x_T = α·x̂₀ + s·ε̂ (α, s from the scheduler's forward process at its first timestep) and
/// term_0 = b_0·ε̂ (b_0 from a probe step), so a plaintext first term gives ε̂.
struct FirstStepRelation {
    let initNoiseSigma: Float
    let signalScale: Double
    let noiseScale: Double
    let termCoefficient: Double
    let height: Int
    let width: Int

    init(pipeline: StableDiffusionPipeline, configuration: GenerationConfiguration, shape: [Int]) throws {
        var scheduler = try configuration.makeScheduler(pipeline.schedulerConfiguration)
        initNoiseSigma = scheduler.initNoiseSigma
        let ones = try Tensor(shape: shape, scalars: [Float](repeating: 1, count: shape.reduce(1, *)))
        let zeros = Tensor(zeros: shape)
        signalScale = Double(try scheduler.addNoise(to: ones, noise: zeros, at: 0).scalars[0])
        noiseScale = Double(try scheduler.addNoise(to: zeros, noise: ones, at: 0).scalars[0])
        termCoefficient = Double(try scheduler.step(modelOutput: ones, noise: scheduler.requiresNoise ? zeros : nil).term.scalars[0])
        height = shape[shape.count - 2]
        width = shape[shape.count - 1]
    }

    var planeSize: Int { height * width }

    /// ε̂ of the first step, when its term is plaintext.
    func firstNoisePrediction(_ view: EvaluatorView) -> [Double]? {
        guard let term = view.steps.first?.term, termCoefficient != 0 else { return nil }
        return term.scalars.map { Double($0) / termCoefficient }
    }
}

/// Decodes reconstructions and scores them against the real image.
struct Scorer {
    let pipeline: StableDiffusionPipeline
    let shape: [Int]
    let truth: PixelImage
    /// The real image's attributes when they are read (the embedded model).
    let truthAttributes: ShapesAttributes?

    func score(_ name: String, _ latent: [Double], recovered: Double, _ status: String) throws -> PrivacyAudit.Reconstruction {
        let clamped = latent.map { Float($0.isFinite ? max(-1e4, min(1e4, $0)) : 0) }
        let image = try pipeline.decode(Tensor(shape: shape, scalars: clamped))[0]
        var entry = AuditReport.Entry(
            name: name, psnrDB: min(try ImageComparison.psnr(image, truth), AuditReport.identicalPSNRDB), ssim: try ImageComparison.ssim(image, truth),
            recoveredFraction: recovered, status: status)
        if let truthAttributes, let read = ShapesAttributes(image: image) {
            entry.attributes = read
            entry.attributesMatched = [read.background == truthAttributes.background, read.shape == truthAttributes.shape,
                                       read.position == truthAttributes.position].filter { $0 }.count
        }
        return PrivacyAudit.Reconstruction(entry: entry, image: image)
    }

    func none(_ name: String, _ status: String) -> PrivacyAudit.Reconstruction {
        PrivacyAudit.Reconstruction(
            entry: AuditReport.Entry(name: name, psnrDB: nil, ssim: nil, recoveredFraction: 0, status: status), image: nil)
    }
}
