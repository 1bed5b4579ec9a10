import Foundation
import PrivateUNet

/// What `audit-ranges` prints: per layer the largest magnitudes (as reals) and the headroom in bits.
struct RangeAuditReport: Encodable {
    struct Layer: Encodable {
        let name: String
        let storedMaximum: Double
        /// nil for "no value recorded" (an infinite headroom).
        let storedHeadroomBits: Double?
        let accumulatorMaximum: Double?
        let accumulatorRingBits: Int?
        let accumulatorHeadroomBits: Double?

        enum CodingKeys: String, CodingKey {
            case name, storedMaximum = "stored_max", storedHeadroomBits = "stored_headroom_bits"
            case accumulatorMaximum = "accumulator_max", accumulatorRingBits = "accumulator_ring_bits"
            case accumulatorHeadroomBits = "accumulator_headroom_bits"
        }
    }

    let ringBits: Int
    let fractionBits: Int
    let varianceRingBits: Int
    let prompts: Int
    let steps: Int
    /// U-Net evaluations (batch 2 with guidance).
    let evaluations: Int
    let seconds: Double
    let secondsPerEvaluation: Double
    let minimumStoredHeadroomBits: Double?
    let minimumAccumulatorHeadroomBits: Double?
    let layers: [Layer]

    enum CodingKeys: String, CodingKey {
        case ringBits = "ring_bits", fractionBits = "fraction_bits", varianceRingBits = "variance_ring_bits"
        case prompts, steps, evaluations, seconds, secondsPerEvaluation = "seconds_per_evaluation"
        case minimumStoredHeadroomBits = "min_stored_headroom_bits"
        case minimumAccumulatorHeadroomBits = "min_accumulator_headroom_bits", layers
    }

    init(
        recorder: RangeRecorder, format: FixedPointFormat, varianceRingBits: Int, prompts: Int, steps: Int,
        evaluations: Int, seconds: Double
    ) {
        ringBits = format.ringBits
        fractionBits = format.fractionBits
        self.varianceRingBits = varianceRingBits
        self.prompts = prompts
        self.steps = steps
        self.evaluations = evaluations
        self.seconds = seconds
        secondsPerEvaluation = evaluations > 0 ? seconds / Double(evaluations) : 0
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        layers = recorder.layers.map { name, entry in
            let hasAccumulator = entry.accumulator > 0
            return Layer(
                name: name, storedMaximum: format.decode(entry.stored),
                storedHeadroomBits: finite(RangeRecorder.headroom(entry.stored, ringBits: format.ringBits)),
                accumulatorMaximum: hasAccumulator
                    ? Double(entry.accumulator) / Double(sign: .plus, exponent: entry.accumulatorFractionBits, significand: 1) : nil,
                accumulatorRingBits: hasAccumulator ? entry.accumulatorRingBits : nil,
                accumulatorHeadroomBits: hasAccumulator
                    ? finite(RangeRecorder.headroom(entry.accumulator, ringBits: entry.accumulatorRingBits)) : nil)
        }
        minimumStoredHeadroomBits = layers.compactMap(\.storedHeadroomBits).min()
        minimumAccumulatorHeadroomBits = layers.compactMap(\.accumulatorHeadroomBits).min()
    }

    var table: String {
        func bits(_ x: Double?) -> String { x.map { String(format: "%6.2f", $0) } ?? "     -" }
        var lines = [
            "fixed-point U-Net range audit: Z_2^\(ringBits), \(fractionBits) fraction bits (norms' Σd² in Z_2^\(varianceRingBits)); "
                + "\(prompts) prompts × \(steps) steps = \(evaluations) evaluations in "
                + String(format: "%.1f s (%.3f s each)", seconds, secondsPerEvaluation),
            "layer".padding(toLength: 72, withPad: " ", startingAt: 0) + "   stored max  headroom   accum. max  ring  headroom",
        ]
        for layer in layers {
            lines.append(
                layer.name.padding(toLength: 72, withPad: " ", startingAt: 0)
                    + String(format: " %12.4g", layer.storedMaximum) + "    " + bits(layer.storedHeadroomBits)
                    + (layer.accumulatorMaximum.map { String(format: " %12.4g", $0) } ?? "            -")
                    + (layer.accumulatorRingBits.map { String(format: " %5d", $0) } ?? "     -")
                    + "    " + bits(layer.accumulatorHeadroomBits))
        }
        lines.append("minimum headroom: stored \(bits(minimumStoredHeadroomBits)) bits, accumulators \(bits(minimumAccumulatorHeadroomBits)) bits")
        return lines.joined(separator: "\n")
    }
}
