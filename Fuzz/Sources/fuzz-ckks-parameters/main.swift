@_spi(Testing) import CKKS
import FuzzSupport

/// `CKKSParameters(deserializing:)`, the public reader (128-bit security enforced), and the
/// test-only reader that accepts insecure sets — which reaches prime generation for every ring size
/// and bit size a header can name. Accepted parameters must re-serialize to the input, and build a
/// context (NTT tables) as a receiving party would.
struct CKKSParametersTarget: FuzzTarget {
    init() {}

    func fuzz(_ bytes: [UInt8]) {
        if let parameters = try? CKKSParameters(deserializing: bytes) {
            FuzzCheck.roundTrip(parameters.serialized(), bytes, "parameters")
        }
        if let parameters = try? CKKSParameters(deserializing: bytes, allowInsecure: true) {
            FuzzCheck.roundTrip(parameters.serialized(), bytes, "insecure parameters")
            if parameters.polyDegree <= 1024 { _ = try? CKKSContext(parameters: parameters) }
        }
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        CKKSParameters.Preset.allCases.map { ("preset-\($0.rawValue)", $0.parameters.serialized()) } + [
            ("fuzz-objects", FuzzParameters.objects.serialized()),
            ("fuzz-messages", FuzzParameters.messages.serialized()),
        ]
    }
}

FuzzMain.run(CKKSParametersTarget.self)
