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

    public init(timestep: Float, latentCoefficient: Double, term: Tensor) {
        self.timestep = timestep
        self.latentCoefficient = latentCoefficient
        self.term = term
    }

    /// Applies the update to `latent`: `latent · a + term`. Written once for every latent representation.
    public func apply<Latent: LatentAlgebra>(to latent: Latent) throws -> Latent {
        try latent.scaled(by: latentCoefficient).adding(term)
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
