import Foundation
import StableDiffusion
import XCTest

/// Scheduler configs read from a model folder are untrusted input: sizes they declare are bounded
/// before anything is allocated for them (found while writing `Fuzz/`'s model-config target, which
/// runs both inputs as regression inputs).
final class SchedulerConfigurationLimitTests: XCTestCase {
    /// `num_train_timesteps: 1e12` made every sampler allocate 4 TB for its noise schedule and die;
    /// it is refused with an error naming the key. The input is kept in
    /// Fuzz/Regressions/model-config/.
    func testAHugeTrainTimestepCountIsRefusedForEverySampler() throws {
        let json = #"{"num_train_timesteps": 1000000000000, "skip_prk_steps": true, "clip_sample": false}"#
        let configuration = try JSONDecoder().decode(SchedulerConfiguration.self, from: Data(json.utf8))
        var generation = GenerationConfiguration(prompt: "")
        generation.stepCount = 10
        for sampler in GenerationConfiguration.Sampler.allCases {
            generation.sampler = sampler
            XCTAssertThrowsError(try generation.makeScheduler(configuration), "\(sampler)") { error in
                XCTAssertTrue("\(error)".contains("num_train_timesteps"), "\(error)")
            }
        }
    }

    /// The bound leaves room above every real model's 1000 timesteps.
    func testTenThousandTrainTimestepsStillWork() throws {
        var configuration = SchedulerConfiguration.stableDiffusionV1
        configuration.trainTimestepCount = 10_000
        XCTAssertEqual(try PNDMScheduler(configuration: configuration, stepCount: 50).timesteps.count, 51)
    }

    /// `steps_offset` near Int.max overflowed `step · stride + steps_offset` in the "leading"
    /// timestep spacing (PLMS and DDIM's default) and trapped; it is refused like any offset that
    /// puts timesteps outside the training range. The input is kept in
    /// Fuzz/Regressions/model-config/.
    func testAStepsOffsetBeyondTheTrainingTimestepsIsRefused() throws {
        for offset in ["9223372036854775807", "-9223372036854775808", "1000"] {
            let json = #"{"skip_prk_steps": true, "clip_sample": false, "steps_offset": "# + offset + "}"
            let configuration = try JSONDecoder().decode(SchedulerConfiguration.self, from: Data(json.utf8))
            var generation = GenerationConfiguration(prompt: "")
            generation.stepCount = 10
            for sampler in GenerationConfiguration.Sampler.allCases {
                generation.sampler = sampler
                XCTAssertThrowsError(try generation.makeScheduler(configuration), "\(sampler), offset \(offset)") { error in
                    XCTAssertTrue("\(error)".contains("steps_offset"), "\(error)")
                }
            }
        }
    }
}
