import RingArithmetic

/// The secret key s: a uniform ternary polynomial, held in evaluation form over every prime (data
/// primes and the special prime). The storage is overwritten with zeros when the key is released
/// (best effort: copies made by arithmetic on temporaries are not tracked), and neither its
/// description nor its reflection (`dump`, debuggers' summaries) shows any of it.
public final class SecretKey: @unchecked Sendable, CustomStringConvertible, CustomReflectable {
    public let context: CKKSContext
    /// s over `context.keyBasis`. Never mutated after initialization.
    private(set) var polynomial: RNSPolynomial<Evaluation>
    /// s restricted to q_0 … q_ℓ, for each level ℓ, made once (encryption and decryption at a
    /// level would otherwise copy the key every time). Wiped with the key.
    private var restrictions: [RNSPolynomial<Evaluation>]
    /// Their Shoup quotients, for fast products by s.
    private var restrictionQuotients: [[UInt64]]

    init(context: CKKSContext, polynomial: RNSPolynomial<Evaluation>) {
        self.context = context
        self.polynomial = polynomial
        let restrictions = (0...context.maxLevel).map { polynomial.selectingLimbs(Array(0...$0)) }
        self.restrictions = restrictions
        self.restrictionQuotients = restrictions.map { $0.shoupQuotients() }
    }

    /// s restricted to the data primes q_0 … q_level.
    func restricted(toLevel level: Int) -> RNSPolynomial<Evaluation> {
        restrictions[level]
    }

    /// result += a · s at a's level.
    func multiplyAdd(_ a: RNSPolynomial<Evaluation>, into result: inout RNSPolynomial<Evaluation>) {
        let level = a.limbCount - 1
        result.multiplyAdd(a, restrictions[level], shoupQuotients: restrictionQuotients[level])
    }

    public var description: String { "SecretKey(N=\(context.parameters.polyDegree), redacted)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }

    deinit {
        polynomial.wipe("secret key")
        for i in restrictions.indices {
            restrictions[i].wipe("secret key restriction")
            SecureZero.zero(&restrictionQuotients[i], "secret key Shoup quotients")
        }
    }
}

/// The public key (b, a) = (−a·s + e, a) over the data primes.
public struct PublicKey: Sendable, Equatable {
    public let context: CKKSContext
    public internal(set) var b: RNSPolynomial<Evaluation>
    public internal(set) var a: RNSPolynomial<Evaluation>

    public static func == (lhs: PublicKey, rhs: PublicKey) -> Bool {
        lhs.context.isCompatible(with: rhs.context) && lhs.b == rhs.b && lhs.a == rhs.a
    }
}

/// A hybrid (RNS-digit) key-switching key from a key s′ to s: for each data prime q_j,
/// (b_j, a_j) = (−a_j·s + e_j + P·ê_j·s′, a_j) over the data primes and the special prime P,
/// where ê_j is the CRT basis element of q_j.
public struct KeySwitchingKey: Sendable, Equatable {
    public let context: CKKSContext
    public internal(set) var b: [RNSPolynomial<Evaluation>]
    public internal(set) var a: [RNSPolynomial<Evaluation>]

    public static func == (lhs: KeySwitchingKey, rhs: KeySwitchingKey) -> Bool {
        lhs.context.isCompatible(with: rhs.context) && lhs.b == rhs.b && lhs.a == rhs.a
    }
}

/// The relinearization key: switches s² to s after a ciphertext multiplication.
public struct RelinearizationKey: Sendable, Equatable {
    public internal(set) var key: KeySwitchingKey
}

/// Galois keys: for each Galois element g, a key switching s(X^g) to s. Element 5^k mod 2N
/// rotates the slots left by k; element 2N − 1 conjugates them.
public struct GaloisKeys: Sendable, Equatable {
    public let keys: [Int: KeySwitchingKey]
    /// For each element, the permutation of NTT slots that applies X ↦ X^g (derived once here
    /// instead of on every rotation).
    let permutations: [Int: [UInt32]]

    init(keys: [Int: KeySwitchingKey]) {
        self.keys = keys
        var permutations: [Int: [UInt32]] = [:]
        for (g, key) in keys {
            permutations[g] = RNSPolynomial<Evaluation>.galoisPermutation(element: g, degree: key.context.parameters.polyDegree)
        }
        self.permutations = permutations
    }

    /// The Galois elements these keys cover.
    public var elements: [Int] { keys.keys.sorted() }

    public static func == (lhs: GaloisKeys, rhs: GaloisKeys) -> Bool { lhs.keys == rhs.keys }
}
