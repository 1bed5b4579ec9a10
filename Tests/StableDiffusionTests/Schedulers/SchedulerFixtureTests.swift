import Foundation
import StableDiffusion
import Tensor
import XCTest

/// Every sampler against diffusers' 10-step trajectories (tools/fixtures, `records/schedulers.*`).
final class SchedulerFixtureTests: XCTestCase {
    private static let tolerance = 1e-5

    private func run(
        _ name: String, in file: String = "schedulers", make: (SchedulerConfiguration, Int) throws -> any Scheduler
    ) throws {
        let records = try FixtureRecords(file)
        let meta = try XCTUnwrap((records.metadata as? [String: Any])?[name] as? [String: Any])
        let configJSON = try JSONSerialization.data(withJSONObject: meta["config"] as Any)
        let configuration = try JSONDecoder().decode(SchedulerConfiguration.self, from: configJSON)
        let layout = (records.metadata as? [String: Any])?["_layout"] as? [String: Any]
        let stepCount = try XCTUnwrap((meta["steps"] ?? layout?["steps"]) as? Int)

        var scheduler = try make(configuration, stepCount)
        let expectedTimesteps = (meta["timesteps"] as! [NSNumber]).map { $0.floatValue }
        // Grid timesteps are integers and must match exactly; Karras timesteps are fractional and come
        // from numpy's float32 log (not correctly rounded), which moves the interpolation weight by
        // ~1e-6: within 1e-4 of a training step they are the same.
        XCTAssertEqual(scheduler.timesteps.count, expectedTimesteps.count, name)
        for (ours, theirs) in zip(scheduler.timesteps, expectedTimesteps) {
            XCTAssertEqual(ours, theirs, accuracy: theirs == theirs.rounded() ? 0 : 1e-4, name)
        }
        XCTAssertEqual(
            Double(scheduler.initNoiseSigma), (meta["init_noise_sigma"] as! NSNumber).doubleValue,
            accuracy: 1e-6, name)

        let samples = try records.tensor("\(name).samples")
        let first = try records.slice("\(name).samples", 0)
        var latent = try Tensor(shape: first.shape, scalars: first.scalars)
        for i in 0..<scheduler.timesteps.count {
            let modelInput = try scheduler.scaleModelInput(latent)
            let expectedInput = try records.slice("\(name).model_inputs", i)
            XCTAssertLessThanOrEqual(
                relativeMaxError(modelInput.scalars, expectedInput.scalars), Self.tolerance, "\(name) input \(i)")

            let eps = try records.slice("eps", i)
            // Euler ancestral's cases record the noise its step drew; the others share variance_noise.
            let noise = try records.slice(records.tensors["\(name).noise"] != nil ? "\(name).noise" : "variance_noise", i)
            let step = try scheduler.step(
                modelOutput: try Tensor(shape: eps.shape, scalars: eps.scalars),
                noise: scheduler.requiresNoise ? try Tensor(shape: noise.shape, scalars: noise.scalars) : nil)
            XCTAssertEqual(step.timestep, scheduler.timesteps[i], name)
            latent = try step.apply(to: latent)

            let expected = try records.slice("\(name).samples", i + 1)
            XCTAssertLessThanOrEqual(
                relativeMaxError(latent.scalars, expected.scalars), Self.tolerance, "\(name) step \(i)")
        }
        XCTAssertEqual(samples.shape[0], scheduler.timesteps.count + 1)
        XCTAssertThrowsError(try scheduler.step(modelOutput: latent))
    }

    /// DDIM with clip_sample (or thresholding) is the only non-affine update; an encrypted latent cannot take it.
    func testOnlyClippingDDIMIsNotAffine() throws {
        var configuration = SchedulerConfiguration.stableDiffusionV1
        XCTAssertTrue(try DDIMScheduler(configuration: configuration, stepCount: 10).isAffine)
        configuration.clipSample = nil
        var clipping = try DDIMScheduler(configuration: configuration, stepCount: 10)
        XCTAssertFalse(clipping.isAffine, "diffusers clips when the config omits clip_sample")
        let eps = try Tensor(shape: [1, 4, 2, 2], scalars: (0..<16).map { Float($0) / 8 - 1 })
        let step = try clipping.step(modelOutput: eps)
        XCTAssertFalse(step.isAffine)
        struct Encrypted: LatentAlgebra {
            func scaled(by factor: Double) throws -> Encrypted { self }
            func adding(_ term: Tensor) throws -> Encrypted { self }
        }
        XCTAssertThrowsError(try step.apply(to: Encrypted())) { error in
            XCTAssertEqual(error as? SchedulerError, .notAffine)
        }
        XCTAssertTrue(try EulerDiscreteScheduler(configuration: configuration, stepCount: 10).isAffine)
    }

    /// diffusers gives Euler ancestral no Karras spacing: ours refuses it, naming the key.
    func testEulerAncestralRefusesKarrasSpacing() throws {
        var configuration = SchedulerConfiguration()
        configuration.useKarrasSigmas = true
        XCTAssertThrowsError(try EulerAncestralDiscreteScheduler(configuration: configuration, stepCount: 10)) { error in
            XCTAssertTrue("\(error)".contains("use_karras_sigmas"), "\(error)")
        }
    }

    func testPLMSMatchesDiffusers() throws {
        try run("pndm_plms") { try PNDMScheduler(configuration: $0, stepCount: $1) }
    }

    func testDDIMMatchesDiffusers() throws {
        try run("ddim_eta0") { try DDIMScheduler(configuration: $0, stepCount: $1, eta: 0) }
        try run("ddim_eta05") { try DDIMScheduler(configuration: $0, stepCount: $1, eta: 0.5) }
        try run("ddim_eta1") { try DDIMScheduler(configuration: $0, stepCount: $1, eta: 1) }
    }

    func testEulerMatchesDiffusers() throws {
        try run("euler") { try EulerDiscreteScheduler(configuration: $0, stepCount: $1) }
    }

    func testDPMSolverPlusPlus2MMatchesDiffusers() throws {
        try run("dpmpp_2m") { try DPMSolverMultistepScheduler(configuration: $0, stepCount: $1) }
    }

    /// Other spacings, Heun and first-order DPM-Solver, σ_min, ᾱ_final = 1, longer runs, Karras
    /// spacing and Euler ancestral (tools/fixtures/make_scheduler_variant_fixtures.py).
    func testVariantsMatchDiffusers() throws {
        let records = try FixtureRecords("scheduler_variants")
        let cases = try XCTUnwrap(records.metadata as? [String: [String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 22)
        for (name, meta) in cases.sorted(by: { $0.key < $1.key }) {
            let eta = (meta["eta"] as! NSNumber).doubleValue
            try run(name, in: "scheduler_variants") { configuration, steps -> any Scheduler in
                switch meta["class"] as! String {
                case "PNDMScheduler": return try PNDMScheduler(configuration: configuration, stepCount: steps)
                case "DDIMScheduler": return try DDIMScheduler(configuration: configuration, stepCount: steps, eta: eta)
                case "EulerDiscreteScheduler":
                    return try EulerDiscreteScheduler(configuration: configuration, stepCount: steps)
                case "EulerAncestralDiscreteScheduler":
                    return try EulerAncestralDiscreteScheduler(configuration: configuration, stepCount: steps)
                default: return try DPMSolverMultistepScheduler(configuration: configuration, stepCount: steps)
                }
            }
        }
    }

    func testSigmasMatchDiffusers() throws {
        let records = try FixtureRecords("schedulers")
        let all = try XCTUnwrap(records.metadata as? [String: Any])
        for (name, build) in [
            ("euler", { try EulerDiscreteScheduler(configuration: .stableDiffusionV1, stepCount: 10).sigmas }),
            ("dpmpp_2m", { try DPMSolverMultistepScheduler(configuration: .stableDiffusionV1, stepCount: 10).sigmas }),
        ] as [(String, () throws -> [Float])] {
            let expected = ((all[name] as! [String: Any])["sigmas"] as! [NSNumber]).map { $0.floatValue }
            // torch's vectorized float32 sqrt is not always correctly rounded: allow 1e-6 relative.
            XCTAssertLessThanOrEqual(relativeMaxError(try build(), expected), 1e-6, name)
        }
    }
}
