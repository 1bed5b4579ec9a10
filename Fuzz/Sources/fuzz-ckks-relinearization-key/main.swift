import CKKS
import FuzzSupport

/// `RelinearizationKey(deserializing:context:)`; an accepted key re-serializes to the input and
/// relinearizes a product, as an evaluator receiving it would.
struct RelinearizationKeyTarget: FuzzTarget {
    let fixtures: CKKSFixtures

    init() throws { fixtures = try CKKSFixtures() }

    func fuzz(_ bytes: [UInt8]) {
        guard let key = try? RelinearizationKey(deserializing: bytes, context: fixtures.context) else { return }
        FuzzCheck.roundTrip(key.serialized(), bytes, "relinearization key")
        _ = try? Evaluator(context: fixtures.context, relinearizationKey: key).relinearize(fixtures.productCiphertext)
    }

    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        [("relinearization-key", try CKKSFixtures().relinearizationKey.serialized())]
    }
}

FuzzMain.run(RelinearizationKeyTarget.self)
