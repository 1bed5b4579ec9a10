import ObliviousTransfer
import SecretSharing

/// Products of shared ring elements from correlated OT, without homomorphic encryption.
///
/// Matches: Gilboa, "Two Party RSA Key Generation", CRYPTO 1999 (OT-based multiplication), as used for
/// share × share products in SiRnn (IEEE S&P 2021) and listed in private-unet/DESIGN.md §3 as the
/// HE-OLE alternative: for a cross term a·b with a held by the OT sender and b by the receiver, the
/// receiver chooses with each bit b_i of b and the sender's correlation is a; the sender keeps −Σ r_i·2^i,
/// the receiver Σ (r_i + b_i·a)·2^i. ℓ COTs of ℓ bits per cross term (this implementation sends full
/// ℓ-bit corrections; the narrow-ring variant needs only ℓ − i bits for bit i).
extension TwoPartySession {
    /// Shares of a·b for the sender's a and the receiver's b (one cross term); `asSender` says which
    /// role this party plays.
    func crossTerm(_ mine: [UInt64], asSender: Bool) throws -> [UInt64] {
        let n = mine.count, l = ring.bitWidth
        if asSender {
            var correlations = [UInt64](repeating: 0, count: n * l)
            for e in 0..<n { for i in 0..<l { correlations[e * l + i] = mine[e] } }
            let r = try otSender.sendCorrelated(correlations, ring: ring)
            return (0..<n).map { e in
                var sum: UInt64 = 0
                for i in 0..<l { sum = ring.add(sum, r[e * l + i] << UInt64(i)) }
                return ring.negate(sum)
            }
        } else {
            var choices = [Bool](repeating: false, count: n * l)
            for e in 0..<n { for i in 0..<l { choices[e * l + i] = (mine[e] >> UInt64(i)) & 1 == 1 } }
            let t = try otReceiver.receiveCorrelated(choices: choices, ring: ring)
            return (0..<n).map { e in
                var sum: UInt64 = 0
                for i in 0..<l { sum = ring.add(sum, t[e * l + i] << UInt64(i)) }
                return sum
            }
        }
    }

    /// Shares of x·y mod 2^ℓ (element-wise). x₀y₀ and x₁y₁ are local; x₀y₁ and x₁y₀ are one cross term
    /// each, the server sending first. For fixed-point operands follow with `truncate(_:by:mode:)`.
    public func multiply(_ x: [UInt64], _ y: [UInt64]) throws -> [UInt64] {
        try checkLength(x.count, y.count)
        let first: [UInt64], second: [UInt64]
        if party == .server {
            first = try crossTerm(x, asSender: true)    // x₀ · y₁
            second = try crossTerm(y, asSender: false)  // x₁ · y₀
        } else {
            first = try crossTerm(y, asSender: false)   // x₀ · y₁
            second = try crossTerm(x, asSender: true)   // x₁ · y₀
        }
        return (0..<x.count).map { ring.add(ring.multiply(x[$0], y[$0]), ring.add(first[$0], second[$0])) }
    }

    /// Shares of x² mod 2^ℓ: x₀² + x₁² + 2·x₀x₁, one cross term.
    public func square(_ x: [UInt64]) throws -> [UInt64] {
        let cross = try crossTerm(x, asSender: party == .server)
        return (0..<x.count).map { ring.add(ring.multiply(x[$0], x[$0]), ring.add(cross[$0], cross[$0])) }
    }
}
