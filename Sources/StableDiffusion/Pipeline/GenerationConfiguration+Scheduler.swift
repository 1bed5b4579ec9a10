extension GenerationConfiguration {
    /// The sampler for this run, built from a model folder's scheduler config the way a diffusers
    /// user swaps samplers with `XScheduler.from_config(pipe.scheduler.config)`.
    ///
    /// PLMS forces `skip_prk_steps` (PLMS is PNDM without its Runge–Kutta warm-up) and
    /// DPM-Solver++ 2M sets `algorithm_type` and `solver_order`, as the name promises.
    public func makeScheduler(_ base: SchedulerConfiguration) throws -> any Scheduler {
        var configuration = base
        configuration.useKarrasSigmas = configuration.useKarrasSigmas || useKarrasSigmas
        switch sampler {
        case .plms:
            configuration.skipPRKSteps = true
            return try PNDMScheduler(configuration: configuration, stepCount: stepCount)
        case .ddim:
            return try DDIMScheduler(configuration: configuration, stepCount: stepCount, eta: ddimEta)
        case .euler:
            return try EulerDiscreteScheduler(configuration: configuration, stepCount: stepCount)
        case .dpmpp2m:
            configuration.algorithmType = "dpmsolver++"
            configuration.solverOrder = 2
            return try DPMSolverMultistepScheduler(configuration: configuration, stepCount: stepCount)
        case .eulerAncestral:
            return try EulerAncestralDiscreteScheduler(configuration: configuration, stepCount: stepCount)
        }
    }
}
