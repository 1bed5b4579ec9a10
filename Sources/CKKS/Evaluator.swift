import Foundation
import ModularArithmetic
import RingArithmetic

/// Homomorphic operations. Holds no secret: only the public evaluation keys an operation needs
/// (the relinearization key for ciphertext products, Galois keys for rotations).
///
/// Every operation checks that its operands share the context, the level and (for additions)
/// the scale, and throws a `CKKSError` naming the mismatch otherwise.
public struct Evaluator: Sendable {
    public let context: CKKSContext
    public let relinearizationKey: RelinearizationKey?
    public let galoisKeys: GaloisKeys?

    public init(context: CKKSContext, relinearizationKey: RelinearizationKey? = nil, galoisKeys: GaloisKeys? = nil) {
        self.context = context
        self.relinearizationKey = relinearizationKey
        self.galoisKeys = galoisKeys
    }

    /// Relative tolerance under which two scales count as equal.
    static let scaleTolerance = 1e-9

    // MARK: Checks

    private func check(_ c: Ciphertext) throws(CKKSError) {
        guard c.context.isCompatible(with: context) else { throw .contextMismatch }
    }

    private func checkCompatible(_ a: Ciphertext, _ b: Ciphertext) throws(CKKSError) {
        try check(a)
        try check(b)
        guard a.level == b.level else { throw .levelMismatch(a.level, b.level) }
        guard Evaluator.scalesMatch(a.scale, b.scale) else { throw .scaleMismatch(a.scale, b.scale) }
    }

    private func checkCompatible(_ a: Ciphertext, _ p: Plaintext, matchScale: Bool) throws(CKKSError) {
        try check(a)
        guard p.context.isCompatible(with: context) else { throw .contextMismatch }
        guard a.level == p.level else { throw .levelMismatch(a.level, p.level) }
        if matchScale, !Evaluator.scalesMatch(a.scale, p.scale) { throw .scaleMismatch(a.scale, p.scale) }
    }

    static func scalesMatch(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= scaleTolerance * max(abs(a), abs(b))
    }

    // MARK: Addition

    /// a + b (same level and scale). Sizes may differ (2 or 3 polynomials).
    public func add(_ a: Ciphertext, _ b: Ciphertext) throws(CKKSError) -> Ciphertext {
        try checkCompatible(a, b)
        var (long, short) = a.size >= b.size ? (a, b) : (b, a)
        for i in 0..<short.size { long.polynomials[i].add(short.polynomials[i]) }
        long.seed = nil
        long.noiseEstimate = (a.noiseEstimate * a.noiseEstimate + b.noiseEstimate * b.noiseEstimate).squareRoot()
        short.polynomials = []
        return long
    }

    /// a − b (same level and scale).
    public func subtract(_ a: Ciphertext, _ b: Ciphertext) throws(CKKSError) -> Ciphertext {
        try add(a, negate(b))
    }

    /// −a.
    public func negate(_ a: Ciphertext) throws(CKKSError) -> Ciphertext {
        try check(a)
        var result = a
        for i in 0..<result.size { result.polynomials[i].negate() }
        result.seed = nil
        return result
    }

    /// a + p (same level and scale).
    public func add(_ a: Ciphertext, _ p: Plaintext) throws(CKKSError) -> Ciphertext {
        try checkCompatible(a, p, matchScale: true)
        var result = a
        result.polynomials[0].add(p.polynomial)
        return result
    }

    /// a − p (same level and scale).
    public func subtract(_ a: Ciphertext, _ p: Plaintext) throws(CKKSError) -> Ciphertext {
        try checkCompatible(a, p, matchScale: true)
        var result = a
        result.polynomials[0].subtract(p.polynomial)
        return result
    }

    /// Adds the real constant `value` to every slot.
    public func add(_ a: Ciphertext, scalar value: Double) throws(CKKSError) -> Ciphertext {
        try check(a)
        // A constant polynomial c evaluates to c at every NTT point and every slot.
        let residues = try Encoder(context: context).integerResidues(value * a.scale, level: a.level)
        var result = a
        let n = context.parameters.polyDegree
        let moduli = context.basis(atLevel: a.level).moduli
        result.polynomials[0].withResidues { p in
            for (i, q) in moduli.enumerated() {
                for k in 0..<n { p[i * n + k] = q.add(p[i * n + k], residues[i]) }
            }
        }
        return result
    }

    // MARK: Multiplication

    /// a · p, slot-wise; the result's scale is the product of the scales.
    public func multiply(_ a: Ciphertext, _ p: Plaintext) throws(CKKSError) -> Ciphertext {
        try checkCompatible(a, p, matchScale: false)
        var result = a
        for i in 0..<result.size { result.polynomials[i].multiply(p.polynomial) }
        result.scale = a.scale * p.scale
        result.seed = nil
        result.noiseEstimate = a.noiseEstimate * p.scale * Double(context.parameters.polyDegree).squareRoot()
        return result
    }

    /// a · value in every slot. The constant is encoded as the integer round(value · scalarScale);
    /// by default scalarScale is the ciphertext's last prime q_ℓ, so that a following `rescale`
    /// returns the scale to exactly its current value.
    public func multiply(_ a: Ciphertext, scalar value: Double, scalarScale: Double? = nil) throws(CKKSError) -> Ciphertext {
        try check(a)
        let moduli = context.basis(atLevel: a.level).moduli
        let scalarScale = scalarScale ?? Double(moduli.last!.value)
        let integer = (value * scalarScale).rounded()
        guard integer.isFinite else { throw .valueOutOfRange("scalar \(value) at scale 2^\(log2(scalarScale)) is not finite") }
        var result = try multiply(a, integer: integer)
        result.scale = a.scale * scalarScale
        return result
    }

    /// a · k for an integral k (no change of scale).
    public func multiply(_ a: Ciphertext, integer k: Double) throws(CKKSError) -> Ciphertext {
        try check(a)
        guard k == k.rounded() else { throw .valueOutOfRange("\(k) is not an integer") }
        let residues = try Encoder(context: context).integerResidues(k, level: a.level)
        var result = a
        for i in 0..<result.size { result.polynomials[i].multiply(byResidues: residues) }
        result.seed = nil
        result.noiseEstimate = a.noiseEstimate * max(abs(k), 1)
        return result
    }

    /// a · b without relinearization: a 3-polynomial ciphertext with the product of the scales.
    public func multiplyWithoutRelinearization(_ a: Ciphertext, _ b: Ciphertext) throws(CKKSError) -> Ciphertext {
        try check(a)
        try check(b)
        guard a.level == b.level else { throw .levelMismatch(a.level, b.level) }
        guard a.size == 2, b.size == 2 else { throw .invalidCiphertextSize(max(a.size, b.size)) }
        var c0 = a.polynomials[0], c2 = a.polynomials[1]
        c0.multiply(b.polynomials[0])
        c2.multiply(b.polynomials[1])
        var c1 = a.polynomials[0]
        c1.multiply(b.polynomials[1])
        var cross = a.polynomials[1]
        cross.multiply(b.polynomials[0])
        c1.add(cross)
        let sqrtN = Double(context.parameters.polyDegree).squareRoot()
        let noise = sqrtN * (a.noiseEstimate * b.scale + b.noiseEstimate * a.scale)
        return Ciphertext(context: context, polynomials: [c0, c1, c2], scale: a.scale * b.scale, noiseEstimate: noise)
    }

    /// Switches a 3-polynomial ciphertext back to 2 polynomials with the relinearization key.
    public func relinearize(_ a: Ciphertext) throws(CKKSError) -> Ciphertext {
        try check(a)
        guard a.size == 3 else { throw .invalidCiphertextSize(a.size) }
        guard let key = relinearizationKey?.key else {
            throw .invalidParameters("relinearization needs an Evaluator created with a relinearization key")
        }
        guard key.context.isCompatible(with: context) else { throw .contextMismatch }
        let (d0, d1) = switchKey(a.polynomials[2], key: key)
        var c0 = a.polynomials[0], c1 = a.polynomials[1]
        c0.add(d0)
        c1.add(d1)
        let noise = (a.noiseEstimate * a.noiseEstimate + pow(keySwitchingNoise(level: a.level), 2)).squareRoot()
        return Ciphertext(context: context, polynomials: [c0, c1], scale: a.scale, noiseEstimate: noise)
    }

    /// a · b, relinearized (not rescaled).
    public func multiply(_ a: Ciphertext, _ b: Ciphertext) throws(CKKSError) -> Ciphertext {
        try relinearize(multiplyWithoutRelinearization(a, b))
    }

    // MARK: Levels and scales

    /// Divides by the last prime q_ℓ with rounding: one level down, scale / q_ℓ.
    public func rescale(_ a: Ciphertext) throws(CKKSError) -> Ciphertext {
        try check(a)
        guard a.level > 0 else { throw .cannotRescaleAtLowestLevel }
        let q = Double(context.dataBasis.tables[a.level].modulus.value)
        var result = a
        for i in 0..<result.size { result.polynomials[i].divideAndRoundByLastPrime() }
        result.scale = a.scale / q
        result.seed = nil
        let n = Double(context.parameters.polyDegree)
        result.noiseEstimate = (pow(a.noiseEstimate / q, 2) + Evaluator.roundingVariance(n)).squareRoot()
        return result
    }

    /// Lowers a ciphertext to `level` by dropping primes (value and scale unchanged).
    public func dropLevel(_ a: Ciphertext, to level: Int) throws(CKKSError) -> Ciphertext {
        try check(a)
        guard level >= 0, level <= a.level else { throw .invalidLevel(level: level, maxLevel: a.level) }
        var result = a
        for i in 0..<result.size { result.polynomials[i].dropLastLimbs(a.level - level) }
        if level != a.level { result.seed = nil }
        return result
    }

    /// Brings two ciphertexts to the lower of their levels.
    public func alignLevels(_ a: Ciphertext, _ b: Ciphertext) throws(CKKSError) -> (Ciphertext, Ciphertext) {
        let level = min(a.level, b.level)
        return (try dropLevel(a, to: level), try dropLevel(b, to: level))
    }

    /// Relabels the scale of a ciphertext whose scale differs from `scale` by a rounding
    /// difference only (e.g. Δ²/q versus Δ); throws if they differ by more than 2^-20 relative.
    public func setScale(_ a: Ciphertext, to scale: Double) throws(CKKSError) -> Ciphertext {
        try check(a)
        guard abs(a.scale - scale) <= 0x1p-20 * scale else { throw .scaleMismatch(a.scale, scale) }
        var result = a
        result.scale = scale
        return result
    }

    // MARK: Rotations

    /// Rotates the slots left by `steps` (right when negative). Needs the Galois key for that
    /// step; use `rotateByComposition` to combine power-of-two keys for any step.
    public func rotate(_ a: Ciphertext, by steps: Int) throws(CKKSError) -> Ciphertext {
        let g = context.galoisElement(forRotation: steps)
        if g == 1 { return a }
        return try applyGalois(a, element: g)
    }

    /// Rotates by any step using the keys of `KeyGenerator.powerOfTwoRotations()`.
    public func rotateByComposition(_ a: Ciphertext, by steps: Int) throws(CKKSError) -> Ciphertext {
        let n = context.slotCount
        var remaining = ((steps % n) + n) % n
        var result = a
        var power = 1
        while remaining > 0 {
            if remaining & 1 == 1 { result = try rotate(result, by: power) }
            remaining >>= 1
            power <<= 1
        }
        return result
    }

    /// Complex conjugation of every slot.
    public func conjugate(_ a: Ciphertext) throws(CKKSError) -> Ciphertext {
        try applyGalois(a, element: context.conjugationElement)
    }

    /// Every slot receives the sum of all slots (log2(N/2) rotations by powers of two).
    public func sumSlots(_ a: Ciphertext) throws(CKKSError) -> Ciphertext {
        var result = a
        var step = 1
        while step < context.slotCount {
            result = try add(result, rotate(result, by: step))
            step <<= 1
        }
        return result
    }

    private func applyGalois(_ a: Ciphertext, element g: Int) throws(CKKSError) -> Ciphertext {
        try check(a)
        guard a.size == 2 else { throw .invalidCiphertextSize(a.size) }
        guard let galoisKeys, let key = galoisKeys.keys[g] else { throw .missingGaloisKey(element: g) }
        guard key.context.isCompatible(with: context) else { throw .contextMismatch }
        let permutation = galoisKeys.permutations[g]
        var c0 = a.polynomials[0].applyingGalois(element: g, permutation: permutation)
        let c1 = a.polynomials[1].applyingGalois(element: g, permutation: permutation)
        let (d0, d1) = switchKey(c1, key: key)
        c0.add(d0)
        let noise = (a.noiseEstimate * a.noiseEstimate + pow(keySwitchingNoise(level: a.level), 2)).squareRoot()
        return Ciphertext(context: context, polynomials: [c0, d1], scale: a.scale, noiseEstimate: noise)
    }
}
