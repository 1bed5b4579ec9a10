import ObliviousTransfer
import SecretSharing

/// Boolean-to-arithmetic conversion and the multiplexer, each from correlated OT (`IKNPSender.sendCorrelated`).
extension TwoPartySession {
    /// Arithmetic shares in `target` (default: the session's ring) of XOR-shared bits.
    ///
    /// b = b₀ ⊕ b₁ = b₀ + b₁ − 2·b₀b₁; one correlated OT with correlation b₀ and choice b₁ gives shares of
    /// b₀b₁ (the server gets x, the client x + b₀b₁). One COT of ℓ bits per element, two flights.
    /// Matches: CrypTFlow2 (CCS 2020) §3 ("B2A" from one COT).
    public func booleanToArithmetic(_ bits: [UInt8], ring target: Ring? = nil) throws -> [UInt64] {
        let r = target ?? ring
        try checkBits(bits)
        if party == .server {
            let x = try otSender.sendCorrelated(bits.map { UInt64($0) }, ring: r)
            return zip(bits, x).map { r.add(UInt64($0), r.add($1, $1)) }
        } else {
            let y = try otReceiver.receiveCorrelated(choices: bits.map { $0 == 1 }, ring: r)
            return zip(bits, y).map { r.subtract(UInt64($0), r.add($1, $1)) }
        }
    }

    /// Shares of b·x for XOR-shared bits b and arithmetically shared x (the multiplexer, or selection).
    ///
    /// b·x = (b₀ ⊕ b₁)·x₀ + (b₀ ⊕ b₁)·x₁. For the first term the server sends by correlated OT the pair
    /// m_c = (b₀ ⊕ c)·x₀ − r₀ (correlation (1 − 2b₀)·x₀, random r₀ defined by the COT's output) and the
    /// client chooses c = b₁; the second term runs the other way. Two COTs of ℓ bits per element, four flights.
    /// Matches: CrypTFlow2 (CCS 2020) §3 (multiplexer from two OTs).
    public func select(_ bits: [UInt8], _ values: [UInt64]) throws -> [UInt64] {
        try checkLength(bits.count, values.count)
        try checkBits(bits)
        // As sender: correlation (1 − 2b)·x; the COT output s is m₀ = b·x − r, so r = b·x − s.
        func sendHalf() throws -> [UInt64] {
            let correlations = zip(bits, values).map { $0 == 1 ? ring.negate($1) : $1 }
            let s = try otSender.sendCorrelated(correlations, ring: ring)
            return (0..<bits.count).map { ring.subtract(bits[$0] == 1 ? values[$0] : 0, s[$0]) }
        }
        func receiveHalf() throws -> [UInt64] {
            try otReceiver.receiveCorrelated(choices: bits.map { $0 == 1 }, ring: ring)
        }
        let kept: [UInt64], received: [UInt64]
        if party == .server {
            kept = try sendHalf()
            received = try receiveHalf()
        } else {
            received = try receiveHalf()
            kept = try sendHalf()
        }
        return zip(kept, received).map { ring.add($0, $1) }
    }
}
