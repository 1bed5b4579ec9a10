import ObliviousTransfer
import SecretSharing

/// Digits per comparison leaf: radix 2^4, CrypTFlow2's choice (m = 4).
let millionaireLeafBits = 4

/// The millionaires' problem on private inputs: XOR shares of 1{x < y} for the server's x and the client's y.
///
/// Matches: Rathee et al., "CrypTFlow2: Practical 2-Party Secure Inference", CCS 2020, Algorithm 1.
/// x and y are cut into q = ⌈bits/4⌉ four-bit digits (the top one zero-padded); per digit j a
/// 1-out-of-16 OT from the server gives the client its shares of lt_j = 1{x_j < y_j} and eq_j = 1{x_j = y_j}
/// (the server keeps random masks); then a binary tree combines neighbours, low digit L and high digit H,
/// as lt = lt_H ⊕ (eq_H ∧ lt_L), eq = eq_H ∧ eq_L (lt_H and eq_H exclusive, so XOR is OR), with Beaver
/// ANDs whose triples are all made in one batch beforehand.
///
/// Cost per element, IKNP: 4q random OTs and 16·2·q bits for the digits, 2 random OTs and 4 opened bits per
/// AND, Σ over levels of 2·pairs − 1 ANDs (the lowest node never needs eq), 2q − 2 − ⌈log₂ q⌉ for q a power
/// of two. Flights: 1 + ⌈log₂ q⌉ per party (the
/// client's digit and triple columns in one flight, the server's digit messages, then its triple columns
/// with its first exchange; one exchange per tree level).
extension TwoPartySession {
    /// Shares of 1{x < y}: the server passes x, the client y, each element below 2^bitCount.
    public func lessThan(_ values: [UInt64], bitCount: Int) throws -> [UInt8] {
        guard (1...64).contains(bitCount) else {
            throw TwoPartyComputeError.invalidBitCount(name: "comparison width", value: bitCount, allowed: 1...64)
        }
        if bitCount < 64, values.contains(where: { $0 >> UInt64(bitCount) != 0 }) {
            throw TwoPartyComputeError.inputTooWide(bitCount: bitCount)
        }
        let n = values.count
        let leafBits = min(millionaireLeafBits, bitCount)
        let digits = (bitCount + leafBits - 1) / leafBits
        let radix = 1 << leafBits
        let digitMask = UInt64(radix - 1)
        func digit(_ v: UInt64, _ j: Int) -> Int { Int((v >> UInt64(j * leafBits)) & digitMask) }

        // Triples for the whole tree at once.
        var needed = 0
        var width = digits
        while width > 1 {
            let pairs = width / 2
            needed += (2 * pairs - 1) * n
            width = pairs + width % 2
        }

        // Leaves, digit-major: index j·n + e. The client's digit columns and its triple columns travel in
        // one flight: it starts the 1-out-of-16 transfer, does its triple-receiver half, then finishes.
        var lt = [UInt8](repeating: 0, count: digits * n), eq = [UInt8](repeating: 0, count: digits * n)
        let triples: (a: [UInt8], b: [UInt8], c: [UInt8])
        if party == .server {
            let ltMask = randomBits(digits * n), eqMask = randomBits(digits * n)
            var messages = [UInt64](repeating: 0, count: digits * n * radix)
            for j in 0..<digits {
                for e in 0..<n {
                    let x = digit(values[e], j), i = j * n + e
                    for v in 0..<radix {
                        let less = UInt64(x < v ? 1 : 0) ^ UInt64(ltMask[i]), equal = UInt64(x == v ? 1 : 0) ^ UInt64(eqMask[i])
                        messages[i * radix + v] = less | (equal << 1)
                    }
                }
            }
            try otSender.send(oneOutOf: messages, choiceBitCount: leafBits, bitWidth: 2)
            lt = ltMask
            eq = eqMask
            triples = try bitTriples(count: needed)
        } else {
            var choices = [Int](repeating: 0, count: digits * n)
            for j in 0..<digits { for e in 0..<n { choices[j * n + e] = digit(values[e], j) } }
            let pending = try otReceiver.startReceive(oneOutOf: choices, choiceBitCount: leafBits, bitWidth: 2)
            let receiverHalf = try tripleReceiverHalf(count: needed)
            let received = try otReceiver.finishReceive(pending)
            for i in 0..<(digits * n) {
                lt[i] = UInt8(received[i] & 1)
                eq[i] = UInt8(received[i] >> 1)
            }
            triples = try combineTriple(sender: try tripleSenderHalf(count: needed), receiver: receiverHalf)
        }
        var used = 0

        width = digits
        while width > 1 {
            let pairs = width / 2
            // Operands of this level's ANDs: eq_H ∧ lt_L for every pair, then eq_H ∧ eq_L for every pair but
            // the lowest — the lowest node's eq is never used, since it is never the high half of a pair.
            var left = [UInt8](), right = [UInt8]()
            left.reserveCapacity((2 * pairs - 1) * n)
            right.reserveCapacity((2 * pairs - 1) * n)
            for p in 0..<pairs {
                left += eq[((2 * p + 1) * n)..<((2 * p + 2) * n)]
                right += lt[((2 * p) * n)..<((2 * p + 1) * n)]
            }
            for p in 1..<max(1, pairs) {
                left += eq[((2 * p + 1) * n)..<((2 * p + 2) * n)]
                right += eq[((2 * p) * n)..<((2 * p + 1) * n)]
            }
            let count = left.count
            let products = try and(left, right, triples: (triples.a[used..<(used + count)], triples.b[used..<(used + count)],
                                                          triples.c[used..<(used + count)]))
            used += count
            let nextWidth = pairs + width % 2
            var nextLt = [UInt8](repeating: 0, count: nextWidth * n), nextEq = [UInt8](repeating: 0, count: nextWidth * n)
            for p in 0..<pairs {
                for e in 0..<n {
                    nextLt[p * n + e] = lt[(2 * p + 1) * n + e] ^ products[p * n + e]
                    if p > 0 { nextEq[p * n + e] = products[(pairs + p - 1) * n + e] }
                }
            }
            if width % 2 == 1 {
                for e in 0..<n {
                    nextLt[pairs * n + e] = lt[(width - 1) * n + e]
                    nextEq[pairs * n + e] = eq[(width - 1) * n + e]
                }
            }
            lt = nextLt
            eq = nextEq
            width = nextWidth
        }
        return Array(lt[0..<n])
    }
}
