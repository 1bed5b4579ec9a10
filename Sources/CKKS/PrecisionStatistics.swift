import Foundation

/// How close decrypted (or decoded) slots are to the values they should hold, in bits: slot j
/// has −log2 |error_j| bits of precision. CKKS is approximate, so its precision is a
/// distribution over the slots, summarized here (as Lattigo's `ckks.PrecisionStats` does) by the
/// worst, mean, median and best slot, for the real part, the imaginary part and the complex
/// error (its modulus, "l2"), plus the error's largest modulus and its L2 norm over all slots.
///
/// An exact slot has infinite precision; the mean is taken over errors (−log2 of the mean error),
/// so it is finite unless every slot is exact.
public struct PrecisionStatistics: Sendable, Equatable, CustomStringConvertible {
    /// Bits of precision of the real part, the imaginary part and the complex error's modulus.
    public struct Bits: Sendable, Equatable {
        public var real: Double
        public var imaginary: Double
        public var l2: Double
    }

    /// The number of slots compared.
    public let slotCount: Int
    /// −log2 of the largest error: the worst slot.
    public let minimum: Bits
    /// −log2 of the smallest error: the best slot.
    public let maximum: Bits
    /// −log2 of the mean error.
    public let mean: Bits
    /// The median over the slots of −log2 |error|.
    public let median: Bits
    /// max_j |expected_j − actual_j| (complex modulus).
    public let maxError: Double
    /// √(Σ_j |expected_j − actual_j|²).
    public let l2Error: Double

    /// Statistics of `actual` against `expected`, slot by slot (the shorter length counts).
    public init(expected: [Complex], actual: [Complex]) {
        let count = min(expected.count, actual.count)
        precondition(count > 0, "precision needs at least one slot")
        let errors = (0..<count).map { expected[$0] - actual[$0] }
        let real = errors.map { abs($0.real) }, imaginary = errors.map { abs($0.imaginary) }, modulus = errors.map(\.magnitude)
        func bits(_ pick: ([Double]) -> Double) -> Bits {
            Bits(real: -log2(pick(real)), imaginary: -log2(pick(imaginary)), l2: -log2(pick(modulus)))
        }
        slotCount = count
        minimum = bits { $0.max()! }
        maximum = bits { $0.min()! }
        mean = bits { $0.reduce(0, +) / Double($0.count) }
        median = Bits(real: PrecisionStatistics.medianBits(real), imaginary: PrecisionStatistics.medianBits(imaginary),
                      l2: PrecisionStatistics.medianBits(modulus))
        maxError = modulus.max()!
        l2Error = modulus.reduce(0) { $0 + $1 * $1 }.squareRoot()
    }

    /// Statistics of real slots (the imaginary parts count as exact).
    public init(expected: [Double], actual: [Double]) {
        self.init(expected: expected.map { Complex($0) }, actual: actual.map { Complex($0) })
    }

    /// The median of −log2 e over errors e (the mean of the two middle values for an even count).
    private static func medianBits(_ errors: [Double]) -> Double {
        let sorted = errors.map { -log2($0) }.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }

    public var description: String {
        [
            "precision over \(slotCount) slots, bits (−log2 |error|):",
            "  min:    " + PrecisionStatistics.format(minimum),
            "  mean:   " + PrecisionStatistics.format(mean),
            "  median: " + PrecisionStatistics.format(median),
            "  max:    " + PrecisionStatistics.format(maximum),
            String(format: "  error: max %.3g, L2 norm %.3g", maxError, l2Error),
        ].joined(separator: "\n")
    }

    private static func format(_ b: Bits) -> String {
        func f(_ x: Double) -> String { x.isInfinite ? " exact" : String(format: "%6.2f", x) }
        return "real \(f(b.real))  imag \(f(b.imaginary))  l2 \(f(b.l2))"
    }
}
