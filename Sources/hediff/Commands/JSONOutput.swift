import Foundation

/// Prints `value` as one line of JSON with sorted keys: the form of every `--json` report the
/// benchmarks and the audit print. tools/bench/compare.py and compare_sd_cpu.sh read that line.
func printJSONLine(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
