@_spi(Testing) import CKKS
import Foundation
import XCTest
import _TestSupport

/// Round trips for every serializable object, and a corpus of malformed inputs that must all be
/// rejected with a `CKKSError` (never a crash, never an out-of-bounds read).
final class SerializationTests: XCTestCase {
    /// A tiny insecure context keeps the corpus fast while exercising every code path.
    private static let small = Result { try Fixture(.insecureForTests(polyDegree: 32, coefficientModulusBits: [30, 25, 35], scale: 0x1p20), rotations: [1]) }

    func testRoundTripsPreserveEveryObject() throws {
        for f in [try Self.small.get(), try Fixture.tailored.get()] {
            let x = f.randomValues(seed: 1)
            let context = f.context
            XCTAssertEqual(try CKKSParameters(deserializing: f.parameters.serialized(), allowInsecure: true), f.parameters)
            let pt = try f.encoder.encode(x)
            XCTAssertEqual(try Plaintext(deserializing: pt.serialized(), context: context), pt)
            let publicCt = try f.encryptor.encrypt(pt)
            XCTAssertEqual(try Ciphertext(deserializing: publicCt.serialized(), context: context), publicCt)
            let seeded = try f.symmetricEncryptor.encrypt(pt)
            let seededBytes = seeded.serialized()
            let restored = try Ciphertext(deserializing: seededBytes, context: context)
            XCTAssertEqual(restored, seeded, "c1 re-expanded from the seed")
            XCTAssertLessThan(seededBytes.count, publicCt.serialized().count / 2 + 64, "seeded form is about half size (+ seed and header)")
            XCTAssertLessThanOrEqual(Bounds.maxError(x, try f.decryptor.decryptValues(restored)), Bounds.freshSymmetric(f.parameters))
            let product = try f.evaluator.multiplyWithoutRelinearization(publicCt, publicCt)
            XCTAssertEqual(try Ciphertext(deserializing: product.serialized(), context: context), product)
            XCTAssertEqual(try PublicKey(deserializing: f.publicKey.serialized(), context: context), f.publicKey)
            let relin = try XCTUnwrap(f.evaluator.relinearizationKey)
            XCTAssertEqual(try RelinearizationKey(deserializing: relin.serialized(), context: context), relin)
            let galois = try XCTUnwrap(f.evaluator.galoisKeys)
            XCTAssertEqual(try GaloisKeys(deserializing: galois.serialized(context: context), context: context), galois)
            let secret = try SecretKey(deserializing: f.secretKey.serialized(), context: context)
            XCTAssertEqual(secret.serialized(), f.secretKey.serialized())
            // A restored secret key decrypts.
            XCTAssertLessThanOrEqual(Bounds.maxError(x, try Decryptor(secretKey: secret).decryptValues(publicCt)), Bounds.freshPublic(f.parameters))
        }
    }

    func testObjectsFromOtherParametersAreRefused() throws {
        let a = try Self.small.get(), b = try Fixture.tailored.get()
        let bytes = try a.encryptor.encrypt([1]).serialized()
        XCTAssertThrowsError(try Ciphertext(deserializing: bytes, context: b.context)) {
            XCTAssertTrue("\($0)".contains("fingerprint"), "\($0)")
        }
        XCTAssertThrowsError(try CKKSParameters(deserializing: a.parameters.serialized()), "insecure parameters need the explicit opt-in")
    }

    /// Several thousand truncated, bit-flipped, extended and random inputs. Each must either be
    /// rejected with a CKKSError or (a flip inside coefficient data that stays below the modulus)
    /// decode to an object that re-serializes to exactly the input.
    func testMalformedInputCorpusIsRejectedCleanly() throws {
        let samples = try Self.corpus()
        var generator = SeededGenerator(seed: 4)
        var cases = 0, rejected = 0
        func check(_ name: String, _ input: [UInt8], _ parse: ([UInt8]) throws -> [UInt8]) {
            cases += 1
            do {
                let reserialized = try parse(input)
                XCTAssertEqual(reserialized, input, "\(name): accepted input must be canonical")
            } catch is CKKSError {
                rejected += 1
            } catch {
                XCTFail("\(name): unexpected error type \(error)")
            }
        }
        for (name, valid, parse) in samples {
            XCTAssertEqual(try parse(valid), valid, "\(name) round trip")
            let cuts = valid.count <= 400 ? Array(0..<valid.count) : (0..<400).map { _ in Int.random(in: 0..<valid.count, using: &generator) }
            for cut in cuts { check(name, Array(valid.prefix(cut)), parse) }
            for _ in 0..<400 {
                var flipped = valid
                let bit = Int.random(in: 0..<(valid.count * 8), using: &generator)
                flipped[bit / 8] ^= UInt8(1 << (bit % 8))
                check(name, flipped, parse)
            }
            // Header fields and length-like fields at the start: every byte set to extremes.
            for position in 0..<min(valid.count, 40) {
                for value: UInt8 in [0, 0xff, 0x7f] where valid[position] != value {
                    var altered = valid
                    altered[position] = value
                    check(name, altered, parse)
                }
            }
            check(name, valid + [0], parse)
            check(name, valid + [UInt8](repeating: 0xab, count: 1 << 16), parse)
            for _ in 0..<20 {
                check(name, (0..<Int.random(in: 0...2048, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }, parse)
            }
        }
        XCTAssertGreaterThan(cases, 5000)
        XCTAssertGreaterThan(Double(rejected) / Double(cases), 0.5, "most malformed inputs must be rejected")
    }

    /// Flips that change what an object is must be refused, not just survived: any flip in the
    /// header (magic, version, kind, fingerprint) or in the byte after it (level, limb, digit or
    /// key count, ring degree), and any flip at all in serialized parameters, whose fingerprint
    /// covers every field.
    func testFlipsThatChangeTheObjectAreRejected() throws {
        for (name, valid, parse) in try Self.corpus() {
            let mustReject = name == "parameters" ? valid.count : 16
            for bit in 0..<(mustReject * 8) {
                var flipped = valid
                flipped[bit / 8] ^= UInt8(1 << (bit % 8))
                XCTAssertThrowsError(try parse(flipped), "\(name): flip of bit \(bit % 8) of byte \(bit / 8) accepted")
            }
        }
    }

    /// One valid serialization of every object of the small context, with its parser (which
    /// re-serializes what it accepted).
    private static func corpus() throws -> [(String, [UInt8], ([UInt8]) throws -> [UInt8])] {
        let f = try Self.small.get()
        let context = f.context
        let pt = try f.encoder.encode(f.randomValues(seed: 2))
        return [
            ("parameters", f.parameters.serialized(), { try CKKSParameters(deserializing: $0, allowInsecure: true).serialized() }),
            ("plaintext", pt.serialized(), { try Plaintext(deserializing: $0, context: context).serialized() }),
            ("ciphertext", try f.encryptor.encrypt(pt).serialized(), { try Ciphertext(deserializing: $0, context: context).serialized() }),
            ("seeded", try f.symmetricEncryptor.encrypt(pt).serialized(), { try Ciphertext(deserializing: $0, context: context).serialized() }),
            ("public key", f.publicKey.serialized(), { try PublicKey(deserializing: $0, context: context).serialized() }),
            ("secret key", f.secretKey.serialized(), { try SecretKey(deserializing: $0, context: context).serialized() }),
            ("relinearization key", f.evaluator.relinearizationKey!.serialized(), { try RelinearizationKey(deserializing: $0, context: context).serialized() }),
            ("galois keys", f.evaluator.galoisKeys!.serialized(context: context), { try GaloisKeys(deserializing: $0, context: context).serialized(context: context) }),
        ]
    }
}
