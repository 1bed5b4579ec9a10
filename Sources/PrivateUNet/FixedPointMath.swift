/// A positive real as mantissa · 2^exponent, the form SIRNN-style reciprocal and rsqrt return
/// (private-unet/DESIGN.md §2.4, §2.6): the mantissa is an element at f fraction bits in (½, 1],
/// so it keeps full relative precision however large or small the value is.
public struct NormalizedValue: Sendable, Equatable {
    public let mantissa: Int64
    public let exponent: Int

    /// The real it stands for, at `format`'s f fraction bits.
    public func value(_ format: FixedPointFormat) -> Double {
        format.decode(mantissa) * Double(sign: .plus, exponent: exponent, significand: 1)
    }
}

/// exp, reciprocal and rsqrt as integer-only procedures (private-unet/DESIGN.md §2.4, §2.6).
///
/// - exp(x), x ≤ 0: 0 below −`expClip`, else b^(2^s) for the second-order base b = 1 + u + u²/2,
///   u = x/2^s, by s = `expSquarings` squarings, at `expFractionBits` working bits w, every truncation
///   rounding to nearest (a public 2^(k−1) added before the shift by k: free in the protocol) and the
///   result brought back to f bits the same way. Defaults: s = 6, 19 working bits at ℓ = 42 (at most
///   (ℓ − 3)/2 so that b² < 2^(ℓ−2), the known-MSB truncation's bound), so u = 2x is exact.
///   Why not BumbleBee's first-order base (1 + x/2^s)^(2^s) with floors (the design's, and this type's
///   before): its own relative error e^(−x²/2^(s+1)) needs s = 10 to reach ≈ 1 LSB at f = 12, and ten
///   floored squarings then add a bias of ≈ 2^(s−w); it erred by up to 8.0 LSB on [−14, 0] and decided
///   the fixed-point U-Net's distance from float (with an exact exp, held-out image 011 went from 64.2 to 69.8 dB
///   against float; docs/TWO-PARTY.md). The second-order base leaves e^x·|x|³/(6·2^(2s)) ≤ 1.4/(6·2^12) ≈ 5.7·10⁻⁵
///   (0.23 LSB) of formula error at s = 6; the whole procedure's worst error on [−14, 0] is 1.8·10⁻⁴
///   (0.76 LSB, measured by the test), with 7 products instead of 10. Error bound, for g = 2.02^s:
///   |b^(2^s) − e^x| + (1.5·g + (g − 1)/2.04)·2^(−w) + 2^(−f−1) (tested).
///   Its products are bounded by construction, whatever the data: on x ≤ 0 (softmax subtracts the row
///   maximum first) b ≤ 1, so every square is ≤ 2^(2w) + 2^(w−1) < 2^(ℓ−2) (the initializer requires
///   2w ≤ ℓ − 3), which is why the range audit has no entry for them.
/// - reciprocal and rsqrt: normalise by the position of the most significant bit (the protocol's
///   MSB-to-one-hot), look the normalised value's top bits up in a table of 2^f·m^(−1) or 2^f·m^(−½)
///   at the bucket's midpoint, then Newton steps y ← y(2 − my) or y ← y(3 − my²)/2, each product
///   truncated by f. Results are `NormalizedValue`s; relative error ≤ 2^(−f+3) (tested; measured 3.4·10⁻⁴ and
///   4.1·10⁻⁴ at f = 12).
public struct FixedPointMath: Sendable {
    public let format: FixedPointFormat
    /// s in exp = (1 + u + u²/2)^(2^s), u = x/2^s; default 6.
    public let expSquarings: Int
    /// exp(x) = 0 below −expClip (the design keeps BumbleBee's 14).
    public let expClip: Double
    /// Fraction bits of exp's working values (≥ f): x is shifted up (exact), the base and the squarings
    /// are kept at this precision, and the result is rounded back to f.
    public let expFractionBits: Int
    /// Index bits of the reciprocal and rsqrt tables.
    public let tableBits: Int
    /// Newton steps after the table.
    public let newtonSteps: Int
    let expClipElement: Int64
    let reciprocalTable: [Int64]
    let rsqrtTable: [Int64]

    public init(
        format: FixedPointFormat, expSquarings: Int = 6, expClip: Double = 14, expFractionBits: Int? = nil, tableBits: Int = 5,
        newtonSteps: Int = 2
    ) {
        precondition(tableBits >= 1 && tableBits <= format.fractionBits, "table index bits must lie in 1…f")
        self.format = format
        self.expSquarings = expSquarings
        self.expClip = expClip
        self.expFractionBits = expFractionBits ?? max(format.fractionBits, min(format.fractionBits + 7, (format.ringBits - 3) / 2))
        precondition(self.expFractionBits >= format.fractionBits && 2 * self.expFractionBits <= format.ringBits - 3,
                     "exp's working precision must lie in f…(ℓ − 3)/2")
        self.tableBits = tableBits
        self.newtonSteps = newtonSteps
        expClipElement = format.encode(-expClip)
        let buckets = Double(1 << tableBits)
        // Reciprocal: m in [1, 2), bucket i covers [1 + i/2^k, 1 + (i+1)/2^k).
        reciprocalTable = (0..<(1 << tableBits)).map { format.encode(1 / (1 + (Double($0) + 0.5) / buckets)) }
        // Rsqrt: m in [1, 4), bucket i (2^k ≤ i < 4·2^k) covers [i/2^k, (i+1)/2^k).
        rsqrtTable = (0..<(4 << tableBits)).map { $0 < (1 << tableBits) ? 0 : format.encode(1 / ((Double($0) + 0.5) / buckets).squareRoot()) }
    }

    /// exp(x) for x ≤ 0 at f fraction bits (x > 0 is outside the protocol's domain; it is computed by the
    /// same formula, which is then not accurate).
    @inline(__always) public func exp(_ x: Int64) -> Int64 {
        if x < expClipElement { return 0 }
        let w = expFractionBits
        let extra = w - format.fractionBits
        let u = (x << Int64(extra)) >> Int64(expSquarings)
        var y = (Int64(1) << Int64(w)) &+ u &+ roundingTruncate(u &* u, by: w + 1)
        for _ in 0..<expSquarings { y = roundingTruncate(y &* y, by: w) }
        return extra == 0 ? y : roundingTruncate(y, by: extra)
    }

    /// round(wrap(x) / 2^k) (halves up), k ≥ 1: the protocol's floor truncation of x + 2^(k−1).
    @inline(__always) func roundingTruncate(_ x: Int64, by k: Int) -> Int64 {
        format.truncate(x &+ (Int64(1) << Int64(k - 1)), by: k)
    }

    /// Position of the most significant set bit of x > 0.
    @inline(__always) static func msb(_ x: Int64) -> Int { 63 - x.leadingZeroBitCount }

    /// x · 2^k with floor for k < 0 (a public shift; in the protocol the amount is secret and comes
    /// from the one-hot MSB vector — a product with 2^(K+k) followed by a truncation by K).
    @inline(__always) func shifted(_ x: Int64, by k: Int) -> Int64 {
        k >= 0 ? format.wrap(x << Int64(k)) : x >> Int64(-k)
    }

    /// 1/x for x > 0 at `inputFractionBits` fraction bits (x ≤ 0 returns mantissa 0, exponent 0).
    public func reciprocal(_ x: Int64, inputFractionBits: Int) -> NormalizedValue {
        guard x > 0 else { return NormalizedValue(mantissa: 0, exponent: 0) }
        let f = format.fractionBits
        let e = Self.msb(x)
        let m = shifted(x, by: f - e)  // in [1, 2) at f bits
        var y = reciprocalTable[Int((m &- format.one) >> Int64(f - tableBits))]
        for _ in 0..<newtonSteps {
            y = format.multiply(y, 2 &* format.one &- format.multiply(m, y))
        }
        return NormalizedValue(mantissa: y, exponent: inputFractionBits - e)
    }

    /// 1/√x for x > 0 at `inputFractionBits` fraction bits (x ≤ 0 returns mantissa 0, exponent 0).
    public func reciprocalSquareRoot(_ x: Int64, inputFractionBits: Int) -> NormalizedValue {
        guard x > 0 else { return NormalizedValue(mantissa: 0, exponent: 0) }
        let f = format.fractionBits
        let p = Self.msb(x) - inputFractionBits  // x in [2^p, 2^(p+1)) as a real
        let q = p >> 1  // floor(p / 2)
        let m = shifted(x, by: f - inputFractionBits - 2 * q)  // in [1, 4) at f bits
        var y = rsqrtTable[Int(m >> Int64(f - tableBits))]
        let three = 3 &* format.one
        for _ in 0..<newtonSteps {
            y = format.multiply(y, three &- format.multiply(m, format.multiply(y, y))) >> 1
        }
        return NormalizedValue(mantissa: y, exponent: -q)
    }

    /// What a norm computes from one group: μ = ⌊Σx/n⌋ (exact division by the public n), Σd² for d = x − μ at
    /// 2f fraction bits summed in Z_{2^varianceRingBits}, var = ⌊Σd²/n⌋ + ε (ε at 2f bits, back in Z_{2^ℓ}),
    /// and 1/√var normalised. `sum` and `sumOfSquares` are the exact integers, for the range audit.
    public struct NormalizationStatistics: Sendable {
        public let mean: Int64
        public let reciprocalDeviation: NormalizedValue
        public let sum: Int64
        public let sumOfSquares: Int64
    }

    /// `NormalizationStatistics` of a group of ring elements at f fraction bits; `epsilon` at 2f bits.
    public func normalizationStatistics<Values: Collection<Int64>>(
        _ values: Values, epsilon: Int64, varianceRingBits: Int
    ) -> NormalizationStatistics {
        let n = Int64(values.count)
        var sum: Int64 = 0
        for value in values { sum = sum &+ value }
        let mean = Self.floorDivide(format.wrap(sum), by: n)
        var squares: Int64 = 0
        for value in values {
            let d = format.wrap(value &- mean)
            squares = squares &+ d &* d
        }
        let wideShift = Int64(64 - varianceRingBits)
        let reduced = (squares << wideShift) >> wideShift  // Σd² mod 2^varianceRingBits, signed
        let variance = format.wrap(Self.floorDivide(reduced, by: n) &+ epsilon)
        return NormalizationStatistics(
            mean: mean, reciprocalDeviation: reciprocalSquareRoot(variance, inputFractionBits: 2 * format.fractionBits),
            sum: sum, sumOfSquares: squares)
    }

    /// ⌊a / n⌋ for a signed a and n > 0.
    @inline(__always) static func floorDivide(_ a: Int64, by n: Int64) -> Int64 {
        a >= 0 ? a / n : -((-a + n - 1) / n)
    }

    /// The softmax of a row as attention computes it, before the normalisation: `row` (logits at f bits)
    /// becomes p = exp(logit − maximum), the row sum Σp stays at f bits, and its reciprocal is returned
    /// normalised; softmax_i = p_i · 1/Σp, applied by the caller (after P·V, DESIGN.md §2.6) with `scale`.
    /// `maximum` is the row's largest logit (the exact shift) or a public bound.
    public func softmaxNumerators(_ row: inout [Int64], maximum: Int64) -> (sum: Int64, reciprocal: NormalizedValue) {
        var sum: Int64 = 0
        for index in row.indices {
            row[index] = exp(format.wrap(row[index] &- maximum))
            sum = format.wrap(sum &+ row[index])
        }
        return (sum, reciprocal(sum, inputFractionBits: format.fractionBits))
    }

    /// A product p at 2f fraction bits (an element times a mantissa) scaled by 2^exponent and brought to
    /// f fraction bits: floor(p · 2^exponent / 2^f), with the ring's wrap.
    @inline(__always) public func scale(_ product: Int64, exponent: Int) -> Int64 {
        let k = format.fractionBits - exponent
        return k >= 0 ? format.truncate(product, by: k) : format.wrap(product << Int64(-k))
    }
}
