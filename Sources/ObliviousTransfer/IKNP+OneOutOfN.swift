import SecretSharing

/// 1-out-of-N OT for N = 2^k, built from k random 1-out-of-2 OTs per transfer: the pad of message v is
/// H(⊕_i K_{i, v_i}), K_{i,b} the i-th random OT's messages, so a receiver holding K_{i, c_i} can form the
/// pad of c alone; every other pad hashes at least one key it lacks.
///
/// Matches: Naor, Pinkas, "Oblivious Transfer and Polynomial Evaluation", STOC 1999 (1-out-of-N from
/// log N 1-out-of-2 OTs), with the correlation-robust hash in place of the PRF. Costs k OTs plus N·w bits
/// per transfer — the table protocols' "2^k × output bits + k COTs" (private-unet/DESIGN.md §3).
extension IKNPSender {
    /// Sends, for each transfer e, the messages `messages[e·N ..< (e+1)·N]` (w bits each, N = 2^k); the
    /// receiver learns the one at its choice index.
    public func send(oneOutOf messages: [UInt64], choiceBitCount k: Int, bitWidth w: Int) throws {
        guard (1...64).contains(w) else { throw ObliviousTransferError.invalidBitWidth(w) }
        guard (1...16).contains(k) else { throw ObliviousTransferError.invalidBitWidth(k) }
        let n = 1 << k
        guard messages.count % n == 0 else {
            throw ObliviousTransferError.lengthMismatch(expected: (messages.count / n + 1) * n, found: messages.count)
        }
        let transfers = messages.count / n
        let keys = try randomOT(count: transfers * k)
        let firstTweak = oneOutOfNTweakBase | nextOneOutOfNIndex
        nextOneOutOfNIndex &+= UInt64(messages.count)
        var pads = [Block](repeating: Block(), count: messages.count)
        for e in 0..<transfers {
            for v in 0..<n {
                var combined = Block()
                for i in 0..<k { combined ^= (v >> i) & 1 == 1 ? keys[e * k + i].1 : keys[e * k + i].0 }
                pads[e * n + v] = combined
            }
        }
        pads.withUnsafeMutableBufferPointer { CorrelationRobustHash().hash($0.baseAddress!, count: messages.count, firstTweak: firstTweak) }
        let mask: UInt64 = w == 64 ? .max : (1 << UInt64(w)) - 1
        let masked = messages.indices.map { (messages[$0] ^ pads[$0][0]) & mask }
        wipe(&pads)
        try channel.send(packed: masked, bitWidth: w)
    }
}

/// A 1-out-of-N transfer whose columns are sent and whose masked messages are still to come: lets a
/// protocol put more of its own messages into the same flight (`IKNPReceiver.startReceive(oneOutOf:…)`).
public struct PendingOneOutOfN {
    let choices: [Int]
    let k: Int
    let w: Int
    /// The receiver's pads, H(⊕_i K_{i,c_i}) per transfer.
    let pads: [UInt64]
}

extension IKNPReceiver {
    /// Receives message choices[e] (0 ≤ choices[e] < 2^k) of each transfer e.
    public func receive(oneOutOf choices: [Int], choiceBitCount k: Int, bitWidth w: Int) throws -> [UInt64] {
        try finishReceive(try startReceive(oneOutOf: choices, choiceBitCount: k, bitWidth: w))
    }

    /// First half of `receive(oneOutOf:…)`: sends the k random OTs' columns per transfer (queued in the
    /// channel, not yet flushed) and computes the pads.
    public func startReceive(oneOutOf choices: [Int], choiceBitCount k: Int, bitWidth w: Int) throws -> PendingOneOutOfN {
        guard (1...64).contains(w) else { throw ObliviousTransferError.invalidBitWidth(w) }
        guard (1...16).contains(k) else { throw ObliviousTransferError.invalidBitWidth(k) }
        let n = 1 << k
        if let bad = choices.firstIndex(where: { $0 < 0 || $0 >= n }) {
            throw ObliviousTransferError.choiceOutOfRange(index: bad, choiceBitCount: k)
        }
        var bits = [Bool](repeating: false, count: choices.count * k)
        for (e, c) in choices.enumerated() {
            for i in 0..<k { bits[e * k + i] = (c >> i) & 1 == 1 }
        }
        let keys = try randomOT(choices: bits)
        let firstTweak = oneOutOfNTweakBase | nextOneOutOfNIndex
        nextOneOutOfNIndex &+= UInt64(choices.count * n)
        var pads = [UInt64](repeating: 0, count: choices.count)
        let hash = CorrelationRobustHash()
        for (e, c) in choices.enumerated() {
            var combined = Block()
            for i in 0..<k { combined ^= keys[e * k + i] }
            pads[e] = hash.hash(combined, tweak: firstTweak &+ UInt64(e * n + c))[0]
        }
        return PendingOneOutOfN(choices: choices, k: k, w: w, pads: pads)
    }

    /// Second half: receives the masked messages and unmasks the chosen ones.
    public func finishReceive(_ pending: PendingOneOutOfN) throws -> [UInt64] {
        let n = 1 << pending.k, w = pending.w
        let masked = try channel.receivePacked(count: pending.choices.count * n, bitWidth: w)
        let mask: UInt64 = w == 64 ? .max : (1 << UInt64(w)) - 1
        return pending.choices.enumerated().map { e, c in (masked[e * n + c] ^ pending.pads[e]) & mask }
    }
}

/// Tweaks of the 1-out-of-N pads live above 2^63, apart from the OT indices IKNP's own hashing uses.
let oneOutOfNTweakBase: UInt64 = 1 << 63
