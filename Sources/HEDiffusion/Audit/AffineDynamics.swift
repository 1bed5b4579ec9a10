import Tensor

/// The public affine maps of a run, as the evaluator can compose them: with L_0 the initial latent
/// and L_{k+1} = a_k·L_k + term_k, every latent is L_k = C_k·L_0 + K_k elementwise, with
/// C_k = Π_{j<k} a_j (public) and K_k = Σ_j (Π_{j<i<k} a_i)·term_j — known to the evaluator only
/// when the terms are plaintext (`paper`).
struct AffineDynamics {
    /// C_0 … C_n.
    let coefficients: [Double]
    /// K_0 … K_n, flat; nil when any term is encrypted.
    let offsets: [[Double]]?

    init(_ view: EvaluatorView) {
        var coefficients = [1.0]
        for step in view.steps { coefficients.append(coefficients[coefficients.count - 1] * step.latentCoefficient) }
        self.coefficients = coefficients
        guard view.termsArePlaintext else {
            offsets = nil
            return
        }
        var offsets = [[Double](repeating: 0, count: view.elementCount)]
        for step in view.steps {
            let previous = offsets[offsets.count - 1]
            let term = step.term?.scalars ?? []
            offsets.append(zip(previous, term).map { step.latentCoefficient * $0 + Double($1) })
        }
        self.offsets = offsets
    }

    var stepCount: Int { coefficients.count - 1 }

    /// The final latent L_n of an initial latent `initial` (flat), when the offsets are known.
    func finalLatent(from initial: [Double]) -> [Double]? {
        guard let offsets else { return nil }
        let c = coefficients[stepCount]
        return zip(initial, offsets[stepCount]).map { c * $0 + $1 }
    }
}
