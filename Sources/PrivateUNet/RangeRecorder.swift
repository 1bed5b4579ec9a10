import Foundation

/// The largest magnitudes a fixed-point evaluation produced, per layer: what the range audit
/// (`hediff private audit-ranges`) reports against the ring's ℓ bits.
///
/// Two points per layer: **stored**, the signed ring values the layer writes (f fraction bits), and
/// **accumulator**, the exact integer of a product sum before it is reduced to the ring and truncated
/// (2f fraction bits; for norms the sum of squares). A magnitude M leaves ℓ − 1 − log₂(M) bits of
/// headroom; negative headroom means the ring wrapped there.
public final class RangeRecorder: @unchecked Sendable {
    /// One layer's maxima.
    public struct Entry: Sendable, Codable, Equatable {
        public var stored: Int64 = 0
        public var accumulator: Int64 = 0
        /// Fraction bits of the accumulator (2f for products and for the norms' sums of squares).
        public var accumulatorFractionBits: Int = 0
        /// The ring the accumulator is reduced in: ℓ, or the norms' wider variance ring.
        public var accumulatorRingBits: Int = 0
        public var evaluations: Int = 0
    }

    private let lock = NSLock()
    private var entries: [String: Entry] = [:]
    private var order: [String] = []

    public init() {}

    /// Raises `layer`'s maxima to the given magnitudes.
    public func record(
        _ layer: String, stored: Int64, accumulator: Int64 = 0, accumulatorFractionBits: Int = 0, accumulatorRingBits: Int = 0
    ) {
        lock.lock()
        defer { lock.unlock() }
        if entries[layer] == nil { order.append(layer) }
        var entry = entries[layer] ?? Entry()
        entry.stored = max(entry.stored, stored)
        entry.accumulator = max(entry.accumulator, accumulator)
        entry.accumulatorFractionBits = max(entry.accumulatorFractionBits, accumulatorFractionBits)
        entry.accumulatorRingBits = max(entry.accumulatorRingBits, accumulatorRingBits)
        entry.evaluations += 1
        entries[layer] = entry
    }

    /// Every layer in the order first seen.
    public var layers: [(name: String, entry: Entry)] {
        lock.lock()
        defer { lock.unlock() }
        return order.map { ($0, entries[$0]!) }
    }

    /// ℓ − 1 − log₂ M (+∞ for M = 0): bits of headroom left in Z_{2^ℓ}'s signed range.
    public static func headroom(_ magnitude: Int64, ringBits: Int) -> Double {
        magnitude == 0 ? .infinity : Double(ringBits - 1) - Foundation.log2(Double(magnitude))
    }
}

/// The largest |x| of `values` (as the exact integer magnitude).
@inline(__always) func maximumMagnitude(_ values: UnsafeBufferPointer<Int64>) -> Int64 {
    var largest: Int64 = 0
    for value in values { largest = max(largest, value == .min ? .max : abs(value)) }
    return largest
}

func maximumMagnitude(_ values: [Int64]) -> Int64 { values.withUnsafeBufferPointer { maximumMagnitude($0) } }
