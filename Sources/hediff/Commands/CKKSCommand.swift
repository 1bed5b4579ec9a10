import ArgumentParser
import Benchmarks
import CKKS
import Foundation

/// `hediff ckks …`: the CKKS library on its own.
struct CKKSCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ckks",
        abstract: "Demonstrate and benchmark the CKKS library.",
        subcommands: [CKKSDemoCommand.self, CKKSBenchCommand.self])
}

/// Prints one line to standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

struct CKKSBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Time the CKKS operations (median and minimum per call), or test them for constant time.")

    @Option(help: ArgumentHelp("Parameter preset: \(CKKSParameters.Preset.summary).", valueName: "preset"),
            transform: CKKSParameters.Preset.ckksArgument)
    var params: CKKSParameters.Preset = .paperReference

    @Option(help: "Timed batches per operation.")
    var repetitions: Int = 9

    @Option(help: "Calls per batch.")
    var iterations: Int = 30

    @Option(help: "Comma-separated operations to time (default: all).")
    var operations: String?

    @Flag(help: "Print one JSON object instead of a table.")
    var json = false

    @Flag(name: .customLong("constant-time"),
          help: "Run the dudect-style timing test (fixed vs random secret inputs, Welch's t) instead of timing.")
    var constantTime = false

    @Option(help: "Measurements per operation for --constant-time.")
    var measurements: Int = 4000

    func validate() throws {
        guard repetitions > 0, iterations > 0 else { throw ValidationError("--repetitions and --iterations must be positive") }
        guard measurements >= 100 else { throw ValidationError("--measurements must be at least 100") }
        let names = constantTime ? ConstantTimeTest.operationNames : CKKSBenchmark.operationNames
        if let unknown = selectedOperations?.subtracting(names).sorted().first {
            throw ValidationError("unknown operation '\(unknown)'; choose from \(names.joined(separator: ", "))")
        }
    }

    var selectedOperations: Set<String>? {
        operations.map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
    }

    func run() throws {
        if constantTime { return try runConstantTimeTest() }
        let benchmark = CKKSBenchmark(
            parameters: params.parameters, repetitions: repetitions, iterations: iterations, operations: selectedOperations)
        let report = try benchmark.run(name: params.rawValue) { name in
            if !json { printError("timing \(name)…") }
        }
        if json {
            try printJSONLine(report)
            return
        }
        print("CKKS benchmark, \(params.rawValue): \(params.parameters)")
        print("operation                   median        min")
        for name in CKKSBenchmark.operationNames {
            guard let timing = report.ops[name] else { continue }
            print(name.padding(toLength: 24, withPad: " ", startingAt: 0)
                + String(format: "%10.1f µs %10.1f µs", timing.median_s * 1e6, timing.min_s * 1e6))
        }
        for (name, bytes) in report.sizes.sorted(by: { $0.key < $1.key }) {
            print("\(name): \(bytes) bytes")
        }
    }
}

struct CKKSDemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Encrypt a vector, compute 0.9·x + 1 on the ciphertext, decrypt, and report the error.")

    @Option(help: ArgumentHelp("Parameter preset: \(CKKSParameters.Preset.summary).", valueName: "preset"),
            transform: CKKSParameters.Preset.ckksArgument)
    var params: CKKSParameters.Preset = .paperReference

    func run() throws {
        let parameters = params.parameters
        let context = try CKKSContext(parameters: parameters)
        let keys = KeyGenerator(context: context)
        let secretKey = keys.generateSecretKey()
        let publicKey = try keys.generatePublicKey(for: secretKey)
        let x = (0..<context.slotCount).map { Double($0 % 200) / 50 - 2 }
        let start = Date()
        let ciphertext = try Encryptor(publicKey: publicKey).encrypt(x)
        let evaluator = Evaluator(context: context)
        let result: Ciphertext
        if ciphertext.level > 0 {
            let bias = try Encoder(context: context).encode([Double](repeating: 1, count: x.count), level: ciphertext.level - 1)
            result = try evaluator.rescale(ciphertext * 0.9) + bias
        } else {
            // One data prime (the update preset): no rescale; the factor is encoded at 2^k with
            // 2^8 of headroom left below q_0 for the product.
            let room = (log2(Double(parameters.dataModuli[0])) - log2(parameters.scale) - 8).rounded(.down)
            result = try evaluator.add(evaluator.multiply(ciphertext, scalar: 0.9, scalarScale: exp2(room)), scalar: 1)
        }
        let decrypted = try Decryptor(secretKey: secretKey).decryptValues(result)
        let elapsed = Date().timeIntervalSince(start)
        let precision = PrecisionStatistics(expected: x.map { 0.9 * $0 + 1 }, actual: decrypted)
        print("parameters: \(parameters) — \(parameters.totalModulusBits)-bit modulus, 128-bit secure")
        print("encrypted \(x.count) values, computed 0.9·x + 1 on the ciphertext, decrypted in \(String(format: "%.1f", elapsed * 1000)) ms")
        print("ciphertext: \(ciphertext.serialized().count) bytes at level \(ciphertext.level); result at level \(result.level)")
        print(String(format: "error: max %.3g, L2 norm %.3g; bits of precision (−log2 |error|, real slots): min %.1f, mean %.1f, median %.1f",
                     precision.maxError, precision.l2Error, precision.minimum.real, precision.mean.real, precision.median.real))
        print("first values: " + zip(x, decrypted).prefix(4).map { String(format: "0.9·%.2f+1 ≈ %.5f", $0.0, $0.1) }.joined(separator: ", "))
    }
}
