import SecretSharing

/// The sign of an arithmetically shared value, as XOR shares.
///
/// Matches: CrypTFlow2 (CCS 2020) §4.1: msb(a) = msb(a₀) ⊕ msb(a₁) ⊕ carry, where carry = 1{a₀′ + a₁′ ≥ 2^(ℓ−1)}
/// for the low ℓ − 1 bits a_i′, computed by the millionaire protocol as 1{2^(ℓ−1) − 1 − a₀′ < a₁′}. DReLU is
/// its complement, 1{a ≥ 0}.
extension TwoPartySession {
    /// Shares of the most significant bit of a (1 for negative values).
    public func mostSignificantBit(_ shares: [UInt64]) throws -> [UInt8] {
        let lowBits = ring.bitWidth - 1
        guard lowBits >= 1 else {
            return shares.map { UInt8(truncatingIfNeeded: $0) & 1 }
        }
        let lowMask: UInt64 = (1 << UInt64(lowBits)) - 1
        let inputs = shares.map { party == .server ? lowMask - ($0 & lowMask) : $0 & lowMask }
        let carry = try lessThan(inputs, bitCount: lowBits)
        return zip(shares, carry).map { (ring.mostSignificantBit($0) ? 1 : 0) ^ $1 }
    }

    /// Shares of DReLU(a) = 1{a ≥ 0} (signed).
    public func nonNegative(_ shares: [UInt64]) throws -> [UInt8] {
        let msb = try mostSignificantBit(shares)
        return party == .server ? msb.map { $0 ^ 1 } : msb
    }
}
