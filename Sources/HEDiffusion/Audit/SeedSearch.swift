import Foundation
import RingArithmetic
import StableDiffusion
import Tensor

/// The evaluator's search for the torch-compatible seed of a run: every seed of a budget
/// (0, 1, 2, …) is turned into its initial latent and checked against what the transcript shows
/// of that latent — the plaintext values of the first request (`paper`), or the coordinates the
/// min-distortion rule chose on it (`sparse`, `paper`). A `packed` transcript shows nothing of
/// the latent, so no seed can be confirmed there.
struct SeedSearch {
    /// What a candidate's initial latent is checked against.
    enum Evidence {
        /// Known values L_0[i] (flat index, value), all at indices below `prefixCount`.
        case values([(index: Int, value: Float)], prefixCount: Int)
        /// The coordinates the selector encrypted at step 0.
        case mask([UInt32], MinDistortionSelector)
    }

    let shape: [Int]
    let initNoiseSigma: Float

    /// The evidence the first request offers, if any.
    static func evidence(in view: EvaluatorView, selector: MinDistortionSelector) -> Evidence? {
        guard let first = view.steps.first else { return nil }
        let count = view.elementCount
        if let remainder = first.remainder {
            var encrypted = Set(first.encryptedIndices)
            // torch fills ≥ 16 values in blocks of 16 and redraws the last block when the count is
            // not a multiple of 16: indices below count − 16 are those of any longer prefix.
            let usable = count % 16 == 0 ? count : count - 16
            var known: [(Int, Float)] = []
            remainder.withUnsafeBufferPointer { values in
                for i in 0..<usable where !encrypted.contains(UInt32(i)) {
                    known.append((i, values[i]))
                    if known.count == 8 { break }
                }
            }
            encrypted.removeAll()
            if known.count == 8 {
                let prefix = max(16, (known[known.count - 1].0 / 16 + 1) * 16)
                return .values(known.map { (index: $0.0, value: $0.1) }, prefixCount: min(prefix, count))
            }
        }
        if first.encryptedIndices.count < count { return .mask(first.encryptedIndices, selector) }
        return nil
    }

    /// Whether `seed`'s initial latent agrees with `evidence`.
    func matches(_ seed: UInt64, _ evidence: Evidence) -> Bool {
        var generator = TorchRandomGenerator(seed: seed)
        switch evidence {
        case .values(let known, let prefixCount):
            let values = generator.randnScalars(count: prefixCount)
            return known.allSatisfy { abs(values[$0.index] * initNoiseSigma - $0.value) <= 1e-6 * max(1, abs($0.value)) }
        case .mask(let indices, let selector):
            guard let latent = try? generator.randn(shape: shape) * initNoiseSigma,
                  let selection = try? selector.select(latent)
            else { return false }
            return selection.encryptedIndices == indices
        }
    }

    /// The smallest seed below `budget` that agrees with `evidence`, searched on every core.
    func search(budget: Int, evidence: Evidence) -> UInt64? {
        let chunkSize = 256
        let chunks = (budget + chunkSize - 1) / chunkSize
        let found = FirstMatch()
        Parallel.forEach(chunks) { chunk in
            let start = chunk * chunkSize
            for seed in start..<min(start + chunkSize, budget) {
                if found.isSettled(below: seed) { return }
                if matches(UInt64(seed), evidence) {
                    found.offer(seed)
                    return
                }
            }
        }
        return found.value.map(UInt64.init)
    }
}

/// The smallest matching seed offered by concurrent searchers.
private final class FirstMatch: @unchecked Sendable {
    private let lock = NSLock()
    private var best: Int?

    var value: Int? {
        lock.lock()
        defer { lock.unlock() }
        return best
    }

    func offer(_ seed: Int) {
        lock.lock()
        if best == nil || seed < best! { best = seed }
        lock.unlock()
    }

    /// Whether a match below `seed` is already known (searching further is pointless).
    func isSettled(below seed: Int) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return best.map { $0 < seed } ?? false
    }
}
