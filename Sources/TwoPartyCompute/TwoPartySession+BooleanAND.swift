import ObliviousTransfer
import SecretSharing

/// AND of XOR-shared bits with Beaver triples made by random OT.
///
/// Matches: the OT-based bit-triple generation of Asharov, Lindell, Schneider, Zohner, "More Efficient
/// Oblivious Transfer and Extensions for Faster Secure Computation", CCS 2013 (§5, as used by ABY and
/// CrypTFlow2): one random OT each way gives a₁·b₀ and a₀·b₁ as XOR shares; then Beaver's opening of
/// x ⊕ a and y ⊕ b, one simultaneous exchange per batch of ANDs.
extension TwoPartySession {
    /// Shares of random (a, b, c) with c = a ∧ b; two flights (one per OT direction).
    func bitTriples(count: Int) throws -> (a: [UInt8], b: [UInt8], c: [UInt8]) {
        if party == .server {
            let sent = try tripleSenderHalf(count: count)
            return try combineTriple(sender: sent, receiver: try tripleReceiverHalf(count: count))
        } else {
            let received = try tripleReceiverHalf(count: count)
            return try combineTriple(sender: try tripleSenderHalf(count: count), receiver: received)
        }
    }

    /// This party as random-OT receiver with its random a as choices: v = m_a (sends the columns).
    func tripleReceiverHalf(count: Int) throws -> (a: [UInt8], v: [UInt8]) {
        let a = randomBits(count)
        let chosen = try otReceiver.randomOT(choices: a.map { $0 == 1 })
        return (a, chosen.map { UInt8(truncatingIfNeeded: $0[0]) & 1 })
    }

    /// This party as random-OT sender: b = m₀ ⊕ m₁ and u = m₀, so a_peer·b = u ⊕ (the peer's v).
    func tripleSenderHalf(count: Int) throws -> (b: [UInt8], u: [UInt8]) {
        let messages = try otSender.randomOT(count: count)
        let u = messages.map { UInt8(truncatingIfNeeded: $0.0[0]) & 1 }
        let b = zip(u, messages).map { $0 ^ (UInt8(truncatingIfNeeded: $1.1[0]) & 1) }
        return (b, u)
    }

    /// c = a∧b ⊕ u ⊕ v: with the peer's share, (a₀ ⊕ a₁)∧(b₀ ⊕ b₁).
    func combineTriple(sender: (b: [UInt8], u: [UInt8]), receiver: (a: [UInt8], v: [UInt8])) throws -> (a: [UInt8], b: [UInt8], c: [UInt8]) {
        let c = (0..<receiver.a.count).map { (receiver.a[$0] & sender.b[$0]) ^ sender.u[$0] ^ receiver.v[$0] }
        return (receiver.a, sender.b, c)
    }

    /// Shares of x ∧ y using the given triples; one simultaneous exchange of 2 bits per AND.
    func and(_ x: [UInt8], _ y: [UInt8], triples: (a: ArraySlice<UInt8>, b: ArraySlice<UInt8>, c: ArraySlice<UInt8>)) throws -> [UInt8] {
        let n = x.count
        var masked = [UInt64](repeating: 0, count: 2 * n)
        let a = Array(triples.a), b = Array(triples.b), c = Array(triples.c)
        for i in 0..<n {
            masked[2 * i] = UInt64(x[i] ^ a[i])
            masked[2 * i + 1] = UInt64(y[i] ^ b[i])
        }
        try channel.send(packed: masked, bitWidth: 1)
        let peer = try channel.receivePacked(count: 2 * n, bitWidth: 1)
        var z = [UInt8](repeating: 0, count: n)
        for i in 0..<n {
            let d = UInt8(masked[2 * i] ^ peer[2 * i]), e = UInt8(masked[2 * i + 1] ^ peer[2 * i + 1])
            z[i] = c[i] ^ (d & b[i]) ^ (e & a[i]) ^ (party == .server ? d & e : 0)
        }
        return z
    }

    /// Shares of x ∧ y (element-wise): triples, then one exchange.
    public func and(_ x: [UInt8], _ y: [UInt8]) throws -> [UInt8] {
        try checkLength(x.count, y.count)
        try checkBits(x)
        try checkBits(y)
        let t = try bitTriples(count: x.count)
        return try and(x, y, triples: (t.a[...], t.b[...], t.c[...]))
    }
}
