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

    /// The clamp of the predicted original sample x̂₀ that DDIM's `clip_sample` applies:
    /// `x_prev = weight · clamp(scale · x + offset, −range, range) + term`. It makes the update
    /// non-affine in the latent, so only a plaintext latent can take it.
    public struct SampleClipping: Sendable {
        public let scale: Double
        public let offset: Tensor
        public let range: Double
        public let weight: Double

        public init(scale: Double, offset: Tensor, range: Double, weight: Double) {
            self.scale = scale
            self.offset = offset
            self.range = range
            self.weight = weight
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
        let scale = clipping.scale, range = clipping.range, weight = clipping.weight
        // In double, then rounded once: diffusers clamps float32 x̂₀; the difference is an ulp.
        let clamped = zip(plain.scalars, clipping.offset.scalars).map { x, offset in
            Float(weight * min(max(scale * Double(x) + Double(offset), -range), range))
        }
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
