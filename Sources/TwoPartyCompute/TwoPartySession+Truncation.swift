import ObliviousTransfer
import SecretSharing

/// How exactly `truncate` rounds.
public enum TruncationMode: Sendable {
    /// ⌊x / 2^f⌋ exactly: the wrap bit plus a millionaire on the low f bits for their carry.
    case exact
    /// ⌊x / 2^f⌋ or ⌊x / 2^f⌋ − 1 (the low bits' carry is dropped): one COT of f bits per element.
    case approximate
}

/// Which inputs a truncation or extension accepts.
public enum InputRange: Sendable {
    /// |x| < 2^(ℓ−2): the wrap bit comes from the shares' MSBs and one COT (Cheetah's known-MSB form).
    case bounded
    /// Any x in Z_{2^ℓ}: the wrap bit needs a millionaire on ℓ − 1 bits and two ANDs (CrypTFlow2 §5).
    case full
}

/// Truncation of shared fixed-point values by f bits, and the wrap bit it rests on.
///
/// With a known most significant bit the wrap of x₀ + x₁ over 2^ℓ is local: if msb(x) = 0 it is
/// msb(x₀) ∨ msb(x₁) (Huang et al., "Cheetah", USENIX Security 2022, §4 "truncation with known MSB";
/// proof: with exactly one share's MSB set, no wrap would leave msb(x) = 1). Signed x with |x| < 2^(ℓ−2) is
/// brought there by adding the public 2^(ℓ−2) (the design's "add 2^35", private-unet/DESIGN.md §2.1),
/// which shifts the result by exactly 2^(ℓ−2−f). Then
///     ⌊x/2^f⌋ = (x₀ ≫ f) + (x₁ ≫ f) − w·2^(ℓ−f) + c,
/// c = 1{x₀ mod 2^f + x₁ mod 2^f ≥ 2^f} the low bits' carry (CrypTFlow2, CCS 2020, §5.1).
extension TwoPartySession {
    /// Shares of ⌊x/2^f⌋ (signed). With `range: .bounded` (the default) x must satisfy |x| < 2^(ℓ−2) —
    /// larger |x| gives a wrong result; `.full` accepts every x at about four times the cost.
    public func truncate(_ shares: [UInt64], by f: Int, mode: TruncationMode, range: InputRange = .bounded) throws -> [UInt64] {
        let l = ring.bitWidth
        guard l >= 3, (1...(l - 2)).contains(f) else {
            throw TwoPartyComputeError.invalidBitCount(name: "truncation shift f", value: f, allowed: 1...max(1, l - 2))
        }
        // The public offset makes x non-negative: 2^(ℓ−2) keeps the MSB clear for bounded inputs; 2^(ℓ−1)
        // maps the whole signed range onto [0, 2^ℓ).
        let offset = UInt64(1) << UInt64(range == .bounded ? l - 2 : l - 1)
        let x = party == .server ? shares.map { ring.add($0, offset) } : shares
        let wrapRing = try Ring(bitWidth: f)
        let wrap = range == .bounded ? try wrapShares(x, ring: wrapRing) : try fullRangeWrapShares(x, ring: wrapRing)
        var result = (0..<x.count).map { i in
            ring.subtract(x[i] >> UInt64(f), wrap[i] << UInt64(l - f))
        }
        if mode == .exact {
            let lowMask: UInt64 = (1 << UInt64(f)) - 1
            let inputs = x.map { party == .server ? lowMask - ($0 & lowMask) : $0 & lowMask }
            let carry = try booleanToArithmetic(try lessThan(inputs, bitCount: f))
            result = zip(result, carry).map { ring.add($0, $1) }
        }
        if party == .server {
            result = result.map { ring.subtract($0, offset >> UInt64(f)) }
        }
        return result
    }

    /// Arithmetic shares in `target` of the wrap bit w = 1{x₀ + x₁ ≥ 2^ℓ} for any x:
    /// w = m₀m₁ ⊕ (m₀ ⊕ m₁)·c with m_i = msb(x_i) and c the carry out of the low ℓ − 1 bits (a millionaire);
    /// the two terms exclude each other. Matches: CrypTFlow2 (CCS 2020) §5.1, the wrap of unsigned shares.
    func fullRangeWrapShares(_ shares: [UInt64], ring target: Ring) throws -> [UInt64] {
        let n = shares.count, lowBits = ring.bitWidth - 1
        let lowMask: UInt64 = (1 << UInt64(lowBits)) - 1
        let carry = try lessThan(shares.map { party == .server ? lowMask - ($0 & lowMask) : $0 & lowMask }, bitCount: lowBits)
        let msb = shares.map { UInt8(ring.mostSignificantBit($0) ? 1 : 0) }
        // m₀ ∧ m₁ with shares (m₀, 0) and (0, m₁); (m₀ ⊕ m₁) ∧ c with shares (m₀, m₁) and c's.
        let zero = [UInt8](repeating: 0, count: n)
        let left = (party == .server ? msb : zero) + msb
        let right = (party == .server ? zero : msb) + carry
        let products = try and(left, right)
        return try booleanToArithmetic((0..<n).map { products[$0] ^ products[n + $0] }, ring: target)
    }

    /// Arithmetic shares in `target` of the wrap bit w = 1{x₀ + x₁ ≥ 2^ℓ} for x with msb(x) = 0:
    /// w = m₀ ∨ m₁ = m₀ + m₁ − m₀m₁ with m_i = msb(x_i), the product from one COT (correlation m₀, choice m₁).
    func wrapShares(_ shares: [UInt64], ring target: Ring) throws -> [UInt64] {
        let msb = shares.map { ring.mostSignificantBit($0) ? UInt64(1) : 0 }
        if party == .server {
            let s = try otSender.sendCorrelated(msb, ring: target)
            return zip(msb, s).map { target.add($0, $1) }
        } else {
            let t = try otReceiver.receiveCorrelated(choices: msb.map { $0 == 1 }, ring: target)
            return zip(msb, t).map { target.subtract($0, $1) }
        }
    }

    /// Shares in the wider ring `target` of the same signed values: x₀ + x₁ − w·2^ℓ with w the wrap bit.
    /// `.bounded` (|x| < 2^(ℓ−2)): known-MSB wrap, one COT of (ℓ′ − ℓ) bits per element; `.full`: any x.
    /// Matches: CrypTFlow2 (CCS 2020) §5.2 (signed extension via the wrap bit), with Cheetah's known-MSB wrap.
    public func extend(_ shares: [UInt64], to target: Ring, range: InputRange = .bounded) throws -> [UInt64] {
        let l = ring.bitWidth
        guard target.bitWidth > l else { throw TwoPartyComputeError.ringNotWider(source: l, target: target.bitWidth) }
        guard l >= 3 else {
            throw TwoPartyComputeError.invalidBitCount(name: "source ring width", value: l, allowed: 3...63)
        }
        let offset = UInt64(1) << UInt64(range == .bounded ? l - 2 : l - 1)
        let x = party == .server ? shares.map { ring.add($0, offset) } : shares
        let wrapRing = try Ring(bitWidth: target.bitWidth - l)
        let wrap = range == .bounded ? try wrapShares(x, ring: wrapRing) : try fullRangeWrapShares(x, ring: wrapRing)
        return (0..<x.count).map { i in
            var y = target.subtract(x[i], wrap[i] << UInt64(l))
            if party == .server { y = target.subtract(y, offset) }
            return y
        }
    }
}
