import ModularArithmetic
import RingArithmetic

/// Everything precomputed once for a parameter set: NTT tables, rescaling and key-switching
/// constants, the encoder's roots of unity, and the parameter fingerprint that tags every
/// serialized object. Every operand of an operation must share one context.
public final class CKKSContext: Sendable {
    public let parameters: CKKSParameters
    /// The data primes q_0 … q_L.
    public let dataBasis: RNSBasis
    /// The data primes followed by the special prime: the basis of key-switching keys.
    public let keyBasis: RNSBasis
    /// SHA-256 of the parameters' canonical encoding, truncated to 8 bytes.
    public let fingerprint: [UInt8]

    /// inverseLastPrime[ℓ][i] = q_ℓ^-1 mod q_i for i < ℓ (rescaling from level ℓ).
    let inverseLastPrime: [[UInt64]]
    /// P mod q_i and P^-1 mod q_i for each data prime (key switching).
    let specialPrimeResidues: [UInt64]
    let inverseSpecialPrime: [UInt64]
    /// The encoder's tables.
    let embedding: CanonicalEmbedding

    public init(parameters: CKKSParameters) throws(CKKSError) {
        self.parameters = parameters
        let n = parameters.polyDegree
        var tables: [NTTTables] = []
        do {
            for q in parameters.coefficientModuli {
                tables.append(try NTTTables(degree: n, modulus: try Modulus(q)))
            }
        } catch {
            throw .invalidParameters("\(error)")
        }
        self.keyBasis = RNSBasis(tables: tables)
        self.dataBasis = RNSBasis(tables: Array(tables.dropLast()))
        let moduli = dataBasis.moduli
        let special = tables.last!.modulus
        self.inverseLastPrime = (0..<moduli.count).map { level in
            (0..<level).map { i in moduli[i].inverse(moduli[level].value % moduli[i].value)! }
        }
        self.specialPrimeResidues = moduli.map { $0.reduce(special.value) }
        self.inverseSpecialPrime = moduli.map { $0.inverse(special.value % $0.value)! }
        self.embedding = CanonicalEmbedding(polyDegree: n)
        self.fingerprint = parameters.fingerprint
    }

    /// Whether objects of `other` may be combined with objects of this context: the same
    /// instance, or an instance built from the same parameters (e.g. by another party).
    public func isCompatible(with other: CKKSContext) -> Bool {
        self === other || parameters == other.parameters
    }

    /// The basis of a ciphertext at `level`: q_0 … q_level.
    public func basis(atLevel level: Int) -> RNSBasis { dataBasis.prefix(level + 1) }

    /// The number of complex slots, N/2.
    public var slotCount: Int { parameters.slotCount }
    /// The highest level.
    public var maxLevel: Int { parameters.maxLevel }

    func checkLevel(_ level: Int) throws(CKKSError) {
        guard level >= 0, level <= maxLevel else { throw .invalidLevel(level: level, maxLevel: maxLevel) }
    }

    /// The Galois element for a left rotation of the slots by `steps` (negative: right).
    public func galoisElement(forRotation steps: Int) -> Int {
        let n = parameters.slotCount
        let twoN = 2 * parameters.polyDegree
        let k = ((steps % n) + n) % n
        var g = 1
        for _ in 0..<k { g = (g * 5) % twoN }
        return g
    }

    /// The Galois element of complex conjugation, 2N − 1.
    public var conjugationElement: Int { 2 * parameters.polyDegree - 1 }
}
