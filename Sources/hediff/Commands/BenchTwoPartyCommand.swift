import ArgumentParser
import TwoPartyCompute

/// `hediff bench 2pc`: the two-party foundations of the private U-Net (issue 13) measured on a
/// channel pair in this process — correlated-OT throughput, and the bytes and rounds of a DReLU
/// comparison and a truncation in the design's ring (ℓ = 37, 12 fraction bits).
struct BenchTwoPartyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "2pc",
        abstract: "Two-party computation: correlated OTs per second, comparison and truncation bytes and rounds.",
        discussion: "Both parties run in this process on two threads, over an in-memory channel (loopback) or TCP on 127.0.0.1.")

    @Option(help: "loopback or tcp.")
    var transport: TwoPartyBenchmark.Transport = .loopback

    @Option(help: "Correlated OTs to extend for the throughput figure.")
    var cotCount: Int = 1 << 22

    @Option(help: "Shared values for the comparison and truncation costs.")
    var elements: Int = 1 << 14

    @Flag(help: "Print one JSON object.")
    var json = false

    func validate() throws {
        guard (1...(1 << 28)).contains(cotCount) else { throw ValidationError("--cot-count must be in 1…2^28") }
        guard (1...(1 << 22)).contains(elements) else { throw ValidationError("--elements must be in 1…2^22") }
    }

    func run() throws {
        let report = try TwoPartyBenchmark.run(transport: transport, cotCount: cotCount, elements: elements)
        if json {
            try printJSONLine(report)
            return
        }
        print("""
            \(report.transport): \(String(format: "%.2f", report.cotPerSecond / 1e6)) M correlated OTs/s \
            (\(String(format: "%.2f", report.cotPerCoreSecond / 1e6)) M per core-second)
            DReLU comparison: \(String(format: "%.1f", report.comparisonBitsPerElement)) bits/element, \(report.comparisonRounds) rounds
            truncation by 12 bits: \(String(format: "%.1f", report.truncationBitsPerElement)) bits/element (\(report.truncationRounds) rounds); \
            exact: \(String(format: "%.1f", report.exactTruncationBitsPerElement)) bits/element
            """)
    }
}

extension TwoPartyBenchmark.Transport: ExpressibleByArgument {}
