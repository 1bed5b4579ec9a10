import ModularArithmetic
import RingArithmetic

/// Generates the secret key and the keys derived from it. Randomness comes from the operating
/// system through an AES-CTR stream.
public struct KeyGenerator: Sendable {
    public let context: CKKSContext

    public init(context: CKKSContext) {
        self.context = context
    }

    /// A fresh uniform ternary secret key. The ternary coefficients are wiped once embedded, and
    /// the embedding is transformed in place (consumed), so no coefficient-form copy remains.
    public func generateSecretKey() -> SecretKey {
        var generator = AESCTRGenerator.system()
        var ternary = Sampling.ternary(degree: context.parameters.polyDegree, using: &generator)
        let s = Sampling.embed(ternary, basis: context.keyBasis)
        SecureZero.zero(&ternary, "ternary secret key")
        return SecretKey(context: context, polynomial: (consume s).forwardNTT())
    }

    /// The public key of `secretKey`.
    public func generatePublicKey(for secretKey: SecretKey) throws(CKKSError) -> PublicKey {
        guard secretKey.context.isCompatible(with: context) else { throw .contextMismatch }
        var generator = AESCTRGenerator.system()
        let (b, a) = rlweSample(secret: secretKey.restricted(toLevel: context.maxLevel), basis: context.dataBasis, using: &generator)
        return PublicKey(context: context, b: b, a: a)
    }

    /// The relinearization key (s² → s).
    public func generateRelinearizationKey(for secretKey: SecretKey) throws(CKKSError) -> RelinearizationKey {
        guard secretKey.context.isCompatible(with: context) else { throw .contextMismatch }
        var square = secretKey.polynomial
        square.multiply(secretKey.polynomial)
        let key = switchingKey(from: square, to: secretKey)
        square.wipe("s²")
        return RelinearizationKey(key: key)
    }

    /// Galois keys for left rotations by each of `rotations` (negative: right) and, optionally,
    /// for complex conjugation.
    public func generateGaloisKeys(for secretKey: SecretKey, rotations: [Int], conjugation: Bool = false) throws(CKKSError) -> GaloisKeys {
        guard secretKey.context.isCompatible(with: context) else { throw .contextMismatch }
        var elements = Set(rotations.map { context.galoisElement(forRotation: $0) })
        elements.remove(1)
        if conjugation { elements.insert(context.conjugationElement) }
        var keys: [Int: KeySwitchingKey] = [:]
        for g in elements {
            var automorphism = secretKey.polynomial.applyingGalois(element: g)
            keys[g] = switchingKey(from: automorphism, to: secretKey)
            automorphism.wipe("s(X^g)")
        }
        return GaloisKeys(keys: keys)
    }

    /// Rotation steps ±1, ±2, ±4, … that `Evaluator.sumSlots` and general rotations combine.
    public func powerOfTwoRotations() -> [Int] {
        var steps: [Int] = []
        var k = 1
        while k < context.slotCount {
            steps.append(k)
            k <<= 1
        }
        return steps
    }

    /// (−a·s + e, a) with a uniform and e centered binomial, over `basis`. The error and a·s,
    /// either of which gives s away next to (b, a), are wiped (the error's embedding is transformed
    /// in place into b).
    private func rlweSample(secret: RNSPolynomial<Evaluation>, basis: RNSBasis, using generator: inout AESCTRGenerator) -> (RNSPolynomial<Evaluation>, RNSPolynomial<Evaluation>) {
        let a = Sampling.uniform(basis: basis, form: Evaluation.self, using: &generator)
        var error = Sampling.centeredBinomial(degree: basis.degree, using: &generator)
        let embedded = Sampling.embed(error, basis: basis)
        SecureZero.zero(&error, "key error")
        var b = (consume embedded).forwardNTT()
        var product = a
        product.multiply(secret)
        b.subtract(product)
        product.wipe("a·s")
        return (b, a)
    }

    /// The hybrid key-switching key from `source` (over the key basis) to the secret key.
    private func switchingKey(from source: RNSPolynomial<Evaluation>, to secretKey: SecretKey) -> KeySwitchingKey {
        var generator = AESCTRGenerator.system()
        let n = context.parameters.polyDegree
        let dataCount = context.dataBasis.count
        var bs: [RNSPolynomial<Evaluation>] = []
        var as_: [RNSPolynomial<Evaluation>] = []
        for j in 0..<dataCount {
            var (b, a) = rlweSample(secret: secretKey.polynomial, basis: context.keyBasis, using: &generator)
            // Add P·ê_j·s′: nonzero only in limb j, where it is (P mod q_j)·s′.
            let q = context.dataBasis.tables[j].modulus
            let p = q.shoup(context.specialPrimeResidues[j])
            source.data.withUnsafeBufferPointer { src in
                b.withLimb(j) { limb in
                    for k in 0..<n { limb[k] = q.add(limb[k], q.multiply(src[j * n + k], by: p)) }
                }
            }
            bs.append(b)
            as_.append(a)
        }
        return KeySwitchingKey(context: context, b: bs, a: as_)
    }
}
