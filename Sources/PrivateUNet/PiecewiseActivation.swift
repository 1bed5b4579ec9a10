/// SiLU or GELU as the 2PC protocol will compute it (private-unet/DESIGN.md §2.5): integers only.
///
/// f(x) = ⌊x/2⌋ + g(a), a = |x| (a sign bit and a selection in the protocol). Each segment of g is
/// chosen by comparisons of a with public thresholds; inside it t = ⌊(a − lo·2^f) / w⌋ (w a power
/// of two: a truncation) and g = Horner's rule with integer coefficients round(c_k·2^f), each product
/// truncated by f (floor). Beyond the last segment g = ⌊a/2⌋, so f(x) = relu(x) up to one LSB.
public struct PiecewiseActivation: Sendable {
    struct Segment: Sendable {
        let lower: Int64
        let upper: Int64
        let widthShift: Int64
        /// round(c_k·2^f), lowest degree first.
        let coefficients: [Int64]
    }

    public let format: FixedPointFormat
    let segments: [Segment]

    /// Encodes `segments` (as `ActivationCoefficients` holds them) for `format`.
    public init(_ segments: [EvenPartSegment], format: FixedPointFormat) {
        self.format = format
        self.segments = segments.map { segment in
            let shift = Int64(segment.width.exponent)
            precondition(segment.width == Double(sign: .plus, exponent: Int(shift), significand: 1), "segment widths are powers of two")
            return Segment(
                lower: format.encode(segment.lowerBound), upper: format.encode(segment.lowerBound + segment.width),
                widthShift: shift, coefficients: segment.coefficients.map { format.encode($0) })
        }
    }

    public static func silu(_ format: FixedPointFormat) -> PiecewiseActivation {
        PiecewiseActivation(ActivationCoefficients.silu, format: format)
    }

    public static func gelu(_ format: FixedPointFormat) -> PiecewiseActivation {
        PiecewiseActivation(ActivationCoefficients.gelu, format: format)
    }

    /// f(x) for one element at f fraction bits.
    @inline(__always) public func callAsFunction(_ x: Int64) -> Int64 {
        let a = x < 0 ? format.wrap(0 &- x) : x
        var even = a >> 1
        for segment in segments where a >= segment.lower && a < segment.upper {
            let t = (a &- segment.lower) >> segment.widthShift
            var accumulator = segment.coefficients[segment.coefficients.count - 1]
            for k in stride(from: segment.coefficients.count - 2, through: 0, by: -1) {
                accumulator = format.multiply(accumulator, t) &+ segment.coefficients[k]
            }
            even = accumulator
            break
        }
        return format.wrap((x >> 1) &+ even)
    }

    /// f applied to every element in place.
    public func apply(_ values: inout [Int64]) {
        for index in values.indices { values[index] = self(values[index]) }
    }
}
