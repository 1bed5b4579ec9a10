import CKKS
import Tensor

/// What the evaluator holds after a private generation: the requests it received, read with the
/// public parameters only. Every attack of `PrivacyAudit` starts from this and public knowledge.
public struct EvaluatorView: Sendable {
    /// One request, as the evaluator reads it.
    public struct Step: Sendable {
        /// The public coefficient a_k of the update L_{k+1} = a_k·L_k + term_k.
        public let latentCoefficient: Double
        /// The coordinates sent encrypted (every coordinate in `packed` and `elementwise`).
        public let encryptedIndices: [UInt32]
        /// `paper` only: the term, in plaintext.
        public let term: Tensor?
        /// `paper` only: L_k at the coordinates not encrypted (zero elsewhere).
        public let remainder: Tensor?
    }

    /// The latent's shape (public: it follows from the image size).
    public let shape: [Int]
    public let steps: [Step]

    /// Reads `requests` (in step order) as the evaluator does: with `parameters` and no key.
    public init(requests: [[UInt8]], parameters: CKKSParameters, shape: [Int]) throws(HEDiffusionError) {
        let evaluator = try UpdateEvaluator(parameters: parameters, latentShape: shape)
        var steps: [Step] = []
        for (index, bytes) in requests.enumerated() {
            let request = try UpdateRequest(deserializing: bytes, context: evaluator.context, expectedShape: shape)
            guard request.stepIndex == index else {
                throw .malformedMessage("request \(index) is for step \(request.stepIndex)")
            }
            switch request.term {
            case .encrypted:
                steps.append(Step(latentCoefficient: request.latentCoefficient, encryptedIndices: request.latent.indices, term: nil, remainder: nil))
            case .plaintext(let term, let remainder):
                steps.append(Step(latentCoefficient: request.latentCoefficient, encryptedIndices: request.latent.indices, term: term, remainder: remainder))
            }
        }
        self.shape = shape
        self.steps = steps
    }

    public var elementCount: Int { shape.reduce(1, *) }

    /// Whether every term was sent in plaintext (the offsets K_k of the dynamics are then known).
    public var termsArePlaintext: Bool { !steps.isEmpty && steps.allSatisfy { $0.term != nil } }

    /// Whether the coordinates carry information: some step left some point unencrypted.
    public var maskVaries: Bool { steps.contains { $0.encryptedIndices.count != elementCount } }
}
