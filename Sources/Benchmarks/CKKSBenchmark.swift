import CKKS
import Foundation
import RingArithmetic

/// Times the core CKKS operations at one parameter set, with the operation names and the
/// methodology of the SEAL anchor script (../shared/anchors/seal_ops_json.py): each operation is
/// warmed up once, then timed over `repetitions` batches of `iterations` calls; the report gives
/// the median and minimum per-call time over the batches.
public struct CKKSBenchmark: Sendable {
    /// The result: per-operation timings and serialized sizes in bytes.
    public struct Report: Sendable, Codable {
        public var params: String
        public var ops: [String: Timing]
        public var sizes: [String: Int]
    }

    /// The operations, in report order.
    public static let operationNames = [
        "ntt_forward", "ntt_inverse", "encode", "decode", "encrypt_symmetric", "encrypt_public", "decrypt",
        "multiply_plain", "multiply_scalar_rescale", "add_plain", "multiply_relinearize", "rotate",
    ]

    public let parameters: CKKSParameters
    public let repetitions: Int
    public let iterations: Int

    /// The operations to time (default: all of `operationNames`).
    public let operations: Set<String>

    public init(parameters: CKKSParameters, repetitions: Int = 9, iterations: Int = 30, operations: Set<String>? = nil) {
        self.parameters = parameters
        self.operations = operations ?? Set(CKKSBenchmark.operationNames)
        self.repetitions = max(1, repetitions)
        self.iterations = max(1, iterations)
    }

    /// Runs every operation; `progress` receives each operation's name before it is timed.
    public func run(name: String, progress: (String) -> Void = { _ in }) throws -> Report {
        let context = try CKKSContext(parameters: parameters)
        let keys = KeyGenerator(context: context)
        let secretKey = keys.generateSecretKey()
        let publicKey = try keys.generatePublicKey(for: secretKey)
        let evaluator = Evaluator(
            context: context,
            relinearizationKey: try keys.generateRelinearizationKey(for: secretKey),
            galoisKeys: try keys.generateGaloisKeys(for: secretKey, rotations: [1]))
        let encoder = Encoder(context: context)
        let publicEncryptor = Encryptor(publicKey: publicKey)
        let symmetricEncryptor = Encryptor(secretKey: secretKey)
        let decryptor = Decryptor(secretKey: secretKey)
        var generator = AESCTRGenerator.system()
        let values = (0..<context.slotCount).map { _ in Double(generator.next() >> 11) * 0x1p-53 * 2 - 1 }
        let plaintext = try encoder.encode(values)
        let ciphertext = try publicEncryptor.encrypt(plaintext)
        let decrypted = try decryptor.decrypt(ciphertext)
        let tables = context.dataBasis.tables[0]
        var limb = Array(ciphertext.polynomials[0].limb(0))

        var ops: [String: Timing] = [:]
        func time(_ name: String, _ body: () throws -> Void) throws {
            guard operations.contains(name) else { return }
            progress(name)
            try body()
            ops[name] = try Timing.measure(repetitions: repetitions, iterations: iterations, body)
        }
        try time("ntt_forward") { limb.withUnsafeMutableBufferPointer { tables.forward($0.baseAddress!) } }
        try time("ntt_inverse") { limb.withUnsafeMutableBufferPointer { tables.inverse($0.baseAddress!) } }
        try time("encode") { _ = try encoder.encode(values) }
        try time("decode") { _ = encoder.decode(decrypted) }
        try time("encrypt_symmetric") { _ = try symmetricEncryptor.encrypt(plaintext) }
        try time("encrypt_public") { _ = try publicEncryptor.encrypt(plaintext) }
        try time("decrypt") { _ = try decryptor.decrypt(ciphertext) }
        try time("multiply_plain") { _ = try evaluator.multiply(ciphertext, plaintext) }
        try time("multiply_scalar_rescale") { _ = try evaluator.rescale(evaluator.multiply(ciphertext, scalar: 0.98)) }
        try time("add_plain") { _ = try evaluator.add(ciphertext, plaintext) }
        try time("multiply_relinearize") { _ = try evaluator.rescale(evaluator.multiply(ciphertext, ciphertext)) }
        try time("rotate") { _ = try evaluator.rotate(ciphertext, by: 1) }
        let sizes = [
            "ciphertext_bytes": ciphertext.serialized().count,
            "ciphertext_seeded_bytes": try symmetricEncryptor.encrypt(plaintext).serialized().count,
        ]
        return Report(params: name, ops: ops, sizes: sizes)
    }
}
