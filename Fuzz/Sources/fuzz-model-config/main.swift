import Foundation
import FuzzSupport
import StableDiffusion
import Tensor

/// The JSON configs of a diffusers model folder, decoded as `DiffusersModelFolder` decodes them
/// (`JSONDecoder`, the types' `Decodable` conformances) and then used as an application uses them.
/// The first byte of an input picks the file (modulo 5), the rest is its JSON:
///
/// 0. `unet/config.json` → `UNet2DConditionConfig`, checked by `SDv1Support`;
/// 1. `vae/config.json` → `AutoencoderKLConfig`, checked by `SDv1Support`;
/// 2. `text_encoder/config.json` → `CLIPTextConfig`, checked by `SDv1Support`;
/// 3. `scheduler/scheduler_config.json` → `SchedulerConfiguration`; each sampler is built from it
///    for 10 steps and run to the end on a 1×1×2×2 latent;
/// 4. `generation_defaults.json` → `GenerationDefaults`; a generation configured from it is checked
///    and its sampler built from SD v1's scheduler config.
struct ModelConfigTarget: FuzzTarget {
    static let files = [
        "unet/config.json", "vae/config.json", "text_encoder/config.json", "scheduler/scheduler_config.json",
        "generation_defaults.json",
    ]

    init() {}

    func fuzz(_ bytes: [UInt8]) {
        guard let selector = bytes.first else { return }
        let json = Data(bytes.dropFirst())
        let decoder = JSONDecoder()
        switch Int(selector) % Self.files.count {
        case 0:
            guard let config = try? decoder.decode(UNet2DConditionConfig.self, from: json) else { return }
            try? SDv1Support.check(config, file: Self.files[0])
        case 1:
            guard let config = try? decoder.decode(AutoencoderKLConfig.self, from: json) else { return }
            try? SDv1Support.check(config, file: Self.files[1])
            _ = config.downsamplingFactor
        case 2:
            guard let config = try? decoder.decode(CLIPTextConfig.self, from: json) else { return }
            try? SDv1Support.check(config, file: Self.files[2])
        case 3:
            guard let config = try? decoder.decode(SchedulerConfiguration.self, from: json) else { return }
            var generation = GenerationConfiguration(prompt: "")
            generation.stepCount = 10
            for sampler in GenerationConfiguration.Sampler.allCases {
                generation.sampler = sampler
                Self.runToTheEnd(try? generation.makeScheduler(config))
            }
        default:
            guard let defaults = try? decoder.decode(GenerationDefaults.self, from: json) else { return }
            var generation = GenerationConfiguration(prompt: "a red circle")
            generation.stepCount = defaults.stepCount ?? 50
            generation.guidanceScale = defaults.guidanceScale ?? 7.5
            guard (try? generation.checkSettings()) != nil else { return }
            _ = try? generation.makeScheduler(.stableDiffusionV1)
        }
    }

    /// Every step of `scheduler` with a constant noise prediction, as the denoising loop calls it.
    static func runToTheEnd(_ scheduler: (any Scheduler)?) {
        guard var scheduler, let prediction = try? Tensor(shape: [1, 1, 2, 2], scalars: [0.5, -1, 0.25, 2]) else { return }
        var generator = TorchRandomGenerator(seed: 7)
        for _ in scheduler.timesteps.indices {
            guard (try? scheduler.scaleModelInput(prediction)) != nil,
                  (try? scheduler.step(modelOutput: prediction, generator: &generator)) != nil
            else { return }
        }
    }

    /// The configs of the embedded model and of the test fixture model.
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (model, folder) in [("tiny-shapes", "Models/tiny-shapes"), ("tiny-sd", "Tests/Fixtures/tiny-sd")] {
            for (selector, file) in files.enumerated() {
                guard let json = RepositoryFiles.optionalBytes("\(folder)/\(file)") else { continue }
                let name = "\(model)-" + file.replacingOccurrences(of: "/", with: "-")
                seeds.append((name, [UInt8(selector)] + json))
            }
        }
        return seeds
    }
}

FuzzMain.run(ModelConfigTarget.self)
