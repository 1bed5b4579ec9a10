import ModularArithmetic

/// An ordered set of NTT-friendly primes q_0, …, q_{k−1}: the residue number system (RNS) in
/// which a polynomial modulo Q = ∏ q_i is stored as one "limb" per prime.
public struct RNSBasis: Sendable, Equatable {
    /// The transform tables of each prime, in order.
    public let tables: [NTTTables]

    public init(tables: [NTTTables]) {
        self.tables = tables
    }

    /// The ring degree N shared by every prime.
    public var degree: Int { tables.first?.degree ?? 0 }
    /// The number of primes (limbs).
    public var count: Int { tables.count }
    /// The primes as `Modulus` values.
    public var moduli: [Modulus] { tables.map(\.modulus) }

    /// The first `count` primes.
    public func prefix(_ count: Int) -> RNSBasis { RNSBasis(tables: Array(tables.prefix(count))) }

    /// This basis followed by the primes of `other`.
    public func appending(_ other: RNSBasis) -> RNSBasis { RNSBasis(tables: tables + other.tables) }

    public static func == (lhs: RNSBasis, rhs: RNSBasis) -> Bool {
        lhs.tables.count == rhs.tables.count
            && zip(lhs.tables, rhs.tables).allSatisfy { $0 === $1 || $0.modulus == $1.modulus }
    }
}
