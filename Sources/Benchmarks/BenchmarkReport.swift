import Foundation

/// A benchmark's result, printed by `hediff … --json` in the one JSON form all of them share: one
/// line, keys sorted. tools/bench/compare.py and compare_sd_cpu.sh read that line.
public protocol BenchmarkReport: Encodable {}

extension BenchmarkReport {
    /// The report as one line of JSON with sorted keys.
    public func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
