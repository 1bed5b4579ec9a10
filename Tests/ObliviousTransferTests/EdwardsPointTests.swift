import Crypto
import ObliviousTransfer
import XCTest
import _TestSupport

/// edwards25519 arithmetic against swift-crypto's Ed25519 (BoringSSL) and against integer arithmetic on
/// scalars.
final class EdwardsPointTests: XCTestCase {
    /// An Ed25519 public key is the encoding of s·B, s the clamped first half of SHA-512(seed)
    /// (RFC 8032 §5.1.5); BoringSSL computes it independently of this code.
    func testPublicKeysMatchEd25519() throws {
        var generator = SeededGenerator(seed: 21)
        for _ in 0..<12 {
            let seed = (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            var scalar = Array(SHA512.hash(data: seed).prefix(32))
            scalar[0] &= 248
            scalar[31] &= 127
            scalar[31] |= 64
            let expected = try Curve25519.Signing.PrivateKey(rawRepresentation: seed).publicKey.rawRepresentation
            XCTAssertEqual(EdwardsPoint.base.multiplied(by: scalar).encoded, Array(expected))
        }
    }

    func testGroupLawAgainstScalarArithmetic() throws {
        var generator = SeededGenerator(seed: 22)
        func scalar(_ v: UInt64) -> [UInt8] { (0..<8).map { UInt8(truncatingIfNeeded: v >> UInt64(8 * $0)) } }
        for _ in 0..<8 {
            let a = generator.next() >> 2, b = generator.next() >> 2
            let pa = EdwardsPoint.base.multiplied(by: scalar(a)), pb = EdwardsPoint.base.multiplied(by: scalar(b))
            XCTAssertEqual((pa + pb).encoded, EdwardsPoint.base.multiplied(by: scalar(a + b)).encoded)
            XCTAssertEqual((pa - pb).encoded, a >= b
                ? EdwardsPoint.base.multiplied(by: scalar(a - b)).encoded
                : (-EdwardsPoint.base.multiplied(by: scalar(b - a))).encoded)
            XCTAssertEqual(pa.multiplied(by: scalar(3)).encoded, (pa + pa + pa).encoded)
        }
        XCTAssertEqual(EdwardsPoint.identity.encoded, [1] + [UInt8](repeating: 0, count: 31))
        XCTAssertEqual((EdwardsPoint.base - EdwardsPoint.base).encoded, EdwardsPoint.identity.encoded)
        // The group order ℓ = 2^252 + 27742317777372353535851937790883648493 (RFC 8032 §5.1) kills B.
        let order: [UInt8] = [0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
                              0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10]
        XCTAssertEqual(EdwardsPoint.base.multiplied(by: order).encoded, EdwardsPoint.identity.encoded)
        XCTAssertFalse(EdwardsPoint.base.hasSmallOrder)
    }

    func testDecodingRejectsMalformedPoints() throws {
        var generator = SeededGenerator(seed: 23)
        for _ in 0..<8 {
            let p = EdwardsPoint.base.multiplied(by: (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) })
            XCTAssertEqual(EdwardsPoint(encoded: p.encoded)?.encoded, p.encoded)
        }
        // y = p = 2^255 − 19 is non-canonical (it is 0); so is 2^255 − 1.
        var yP = [UInt8](repeating: 0xFF, count: 32)
        yP[0] = 0xED
        yP[31] = 0x7F
        XCTAssertNil(EdwardsPoint(encoded: yP))
        var allOnes = [UInt8](repeating: 0xFF, count: 32)
        allOnes[31] = 0x7F
        XCTAssertNil(EdwardsPoint(encoded: allOnes))
        // y = 1 gives x = 0; with the sign bit set it is non-canonical.
        var negativeZero = [1] + [UInt8](repeating: 0, count: 31)
        negativeZero[31] = 0x80
        XCTAssertNil(EdwardsPoint(encoded: negativeZero))
        XCTAssertNil(EdwardsPoint(encoded: [1, 2, 3]))
        // (0, −1) has order 2.
        var minusOne = [UInt8](repeating: 0xFF, count: 32)
        minusOne[0] = 0xEC
        minusOne[31] = 0x7F
        let orderTwo = try XCTUnwrap(EdwardsPoint(encoded: minusOne))
        XCTAssertTrue(orderTwo.hasSmallOrder)
        // About half of all y values have no x on the curve; decoding must refuse them, not crash.
        var refused = 0
        for _ in 0..<64 {
            var bytes = (0..<32).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            bytes[31] &= 0x7F
            if EdwardsPoint(encoded: bytes) == nil { refused += 1 }
        }
        XCTAssertGreaterThan(refused, 10)
        XCTAssertLessThan(refused, 54)
    }
}
