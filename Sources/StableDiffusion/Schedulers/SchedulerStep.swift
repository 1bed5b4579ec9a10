import Tensor

/// One sampler update written as `x_prev = a · x_t + term`.
///
/// `a` (`latentCoefficient`) is a plaintext scalar and `term` a plaintext dense tensor equal to
/// `Σ_k b_k · ε_k (+ c · z)`; neither depends on the current latent `x_t`, so a party holding only
/// an encrypted `x_t` can compute the update (DESIGN.md §4).
public struct SchedulerStep: Sendable {
    /// The timestep whose noise prediction produced this update.
    public let timestep: Float
    /// The scalar `a` multiplying the current latent.
    public let latentCoefficient: Double
    /// The latent-independent plaintext term `Σ_k b_k · ε_k (+ c · z)`.
    public let term: Tensor
    /// A clamp inside the update (DDIM's `clip_sample`), or `nil` for an affine step.
    public let clipping: SampleClipping?

    /// The clamp of the predicted original sample x̂₀ = scale · x + offset that DDIM applies:
    /// `x_prev = weight · c(x̂₀) + term`, where c clamps to ±`range` (`clip_sample`), or with
    /// `dynamic` set, per batch item to ±s and divides by s, s the `ratio` quantile of |x̂₀|
    /// clamped to [1, `maximum`] (`thresholding`). Either makes the update non-affine in the
    /// latent, so only a plaintext latent can take it.
    public struct SampleClipping: Sendable {
        public let scale: Double
        public let offset: Tensor
        public let range: Double
        public let weight: Double
        public let dynamic: (ratio: Double, maximum: Double)?

        public init(scale: Double, offset: Tensor, range: Double, weight: Double, dynamic: (ratio: Double, maximum: Double)? = nil) {
            self.scale = scale
            self.offset = offset
            self.range = range
            self.weight = weight
            self.dynamic = dynamic
        }

        /// c(scale · x + offset) for a plaintext latent `[B, …]`.
        func clamped(_ latent: Tensor) -> [Float] {
            let predicted = zip(latent.scalars, offset.scalars).map { scale * Double($0) + Double($1) }
            guard let dynamic else { return predicted.map { Float(min(max($0, -range), range)) } }
            let itemCount = max(latent.shape.first ?? 1, 1)
            let size = predicted.count / itemCount
            var result = [Float](repeating: 0, count: predicted.count)
            for item in 0..<itemCount {
                let values = predicted[(item * size)..<((item + 1) * size)]
                // torch.quantile: linear interpolation between the sorted neighbours.
                let sorted = values.map(abs).sorted()
                let position = dynamic.ratio * Double(sorted.count - 1)
                let low = Int(position.rounded(.down)), high = min(low + 1, sorted.count - 1)
                let quantile = sorted[low] + (position - Double(low)) * (sorted[high] - sorted[low])
                let s = min(max(quantile, 1), dynamic.maximum)
                for (i, value) in values.enumerated() { result[item * size + i] = Float(min(max(value, -s), s) / s) }
            }
            return result
        }
    }

    public init(timestep: Float, latentCoefficient: Double, term: Tensor, clipping: SampleClipping? = nil) {
        self.timestep = timestep
        self.latentCoefficient = latentCoefficient
        self.term = term
        self.clipping = clipping
    }

    /// Whether the update is `a · x + term`, computable on an encrypted latent.
    public var isAffine: Bool { clipping == nil }

    /// Applies the update to `latent`: `latent · a + term`. Written once for every latent
    /// representation; a clipping step needs the plaintext latent.
    ///
    /// - Throws: `SchedulerError.notAffine` for a clipping step on any latent but a `Tensor`.
    public func apply<Latent: LatentAlgebra>(to latent: Latent) throws -> Latent {
        guard let clipping else { return try latent.scaled(by: latentCoefficient).adding(term) }
        guard let plain = latent as? Tensor else { throw SchedulerError.notAffine }
        guard clipping.offset.shape == plain.shape else {
            throw SchedulerError.shapeMismatch(expected: plain.shape, found: clipping.offset.shape)
        }
        // In double, then rounded once: diffusers clamps float32 x̂₀; the difference is an ulp.
        let weight = Float(clipping.weight)
        let clamped = clipping.clamped(plain).map { weight * $0 }
        guard let result = try Tensor(shape: plain.shape, scalars: clamped).adding(term) as? Latent else {
            throw SchedulerError.notAffine
        }
        return result
    }
}

/// The two operations a scheduler update needs from a latent: multiplying by a plaintext scalar
/// and adding a plaintext dense tensor. A plaintext `Tensor` conforms here; an encrypted latent
/// conforms in the HE layer.
public protocol LatentAlgebra {
    /// The latent multiplied elementwise by the scalar `factor`.
    func scaled(by factor: Double) throws -> Self
    /// The latent plus the plaintext tensor `term` of the same shape.
    func adding(_ term: Tensor) throws -> Self
}

extension Tensor: LatentAlgebra {
    public func scaled(by factor: Double) throws -> Tensor {
        let f = Float(factor)
        return try Tensor(shape: shape, scalars: scalars.map { $0 * f })
    }

    public func adding(_ term: Tensor) throws -> Tensor {
        guard term.shape == shape else {
            throw SchedulerError.shapeMismatch(expected: shape, found: term.shape)
        }
        var result = scalars
        term.scalars.withUnsafeBufferPointer { t in
            result.withUnsafeMutableBufferPointer { r in
                for i in r.indices { r[i] += t[i] }
            }
        }
        return try Tensor(shape: shape, scalars: result)
    }
}
