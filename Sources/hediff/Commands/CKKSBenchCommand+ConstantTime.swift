import ArgumentParser
import Benchmarks
import CKKS
import Foundation

extension CKKSBenchCommand {
    /// The report of `--constant-time`: the test's results with the conditions they were taken in.
    struct ConstantTimeReport: Codable {
        var params: String
        var measurements_per_operation: Int
        var threshold: Double
        /// The 1-minute load average before and after the run (other processes share the CPUs).
        var load_before: Double
        var load_after: Double
        var results: [ConstantTimeTest.Result]
        var leak_detected_in: [String]
    }

    /// `hediff ckks bench --constant-time`: runs the dudect-style test on each operation and
    /// prints per-operation t statistics and a verdict.
    func runConstantTimeTest() throws {
        let test = ConstantTimeTest(measurements: measurements)
        let loadBefore = Self.loadAverage()
        var results: [ConstantTimeTest.Result] = []
        for operation in try ConstantTimeTest.operations(parameters: params.parameters, names: selectedOperations) {
            if !json { printError("measuring \(operation.name)…") }
            results.append(try test.run(operation))
        }
        let report = ConstantTimeReport(
            params: params.rawValue, measurements_per_operation: measurements, threshold: ConstantTimeTest.threshold,
            load_before: loadBefore, load_after: Self.loadAverage(), results: results,
            leak_detected_in: results.filter(\.leak_detected).map(\.name))
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
            print(String(decoding: try encoder.encode(report), as: UTF8.self))
            return
        }
        print("Constant-time test (dudect: fixed vs random secret input, Welch's t; |t| > \(ConstantTimeTest.threshold) = leak),")
        print("\(params.rawValue), \(measurements) measurements per operation, load \(String(format: "%.1f", report.load_before)) → \(String(format: "%.1f", report.load_after))")
        print("operation                  max |t|  (crop)   t (all)   mean fixed   mean random   verdict")
        for r in results {
            let crop = r.max_abs_t_percentile == 1 ? "all" : "p\(Int((r.max_abs_t_percentile * 100).rounded()))"
            print(r.name.padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(format: "%9.2f  ", r.max_abs_t) + crop.padding(toLength: 6, withPad: " ", startingAt: 0)
                + String(format: " %9.2f %10.1f µs %10.1f µs   ", r.t_uncropped, r.mean_fixed_ns / 1000, r.mean_random_ns / 1000)
                + (r.leak_detected ? "LEAK" : "no leak detected"))
        }
        for r in results { print("  \(r.name): \(r.classes)") }
    }

    private static func loadAverage() -> Double {
        var loads = [Double](repeating: 0, count: 3)
        return getloadavg(&loads, 3) > 0 ? loads[0] : .nan
    }
}
