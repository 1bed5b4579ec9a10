import Crypto
import _CryptoExtras
import ObliviousTransfer
import XCTest
import _TestSupport

/// AES-NI encryption against FIPS 197 and against swift-crypto's AES (BoringSSL), the independent oracle.
final class AES128Tests: XCTestCase {
    private func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    /// AES_k(x) as the first keystream block of BoringSSL's CTR mode with x as the 16-byte counter block.
    private func oracle(key: Block, _ x: Block) throws -> Block {
        let nonce = try AES._CTR.Nonce(nonceBytes: x.bytes)
        let stream = try AES._CTR.encrypt([UInt8](repeating: 0, count: 16), using: SymmetricKey(data: key.bytes), nonce: nonce)
        return Block(bytes: Array(stream))
    }

    func testFIPS197AppendixC1() {
        for implementation in AES128.Implementation.allCases {
            let cipher = AES128(key: Block(bytes: hex("000102030405060708090a0b0c0d0e0f")), implementation: implementation)
            let out = cipher.encrypt(Block(bytes: hex("00112233445566778899aabbccddeeff")))
            XCTAssertEqual(out.bytes, hex("69c4e0d86a7b0430d8cdb78070b4c55a"), "\(implementation)")
        }
    }

    func testBatchesMatchBoringSSL() throws {
        var generator = SeededGenerator(seed: 11)
        // Counts around the kernels' strides: 8 blocks (AES-NI), 16 and 2 (VAES), with odd remainders.
        let hardwareCounts = [1, 2, 3, 7, 8, 9, 15, 16, 17, 19, 31, 32, 33, 50]
        let cases = hardwareCounts.map { ($0, AES128.Implementation.automatic) } + hardwareCounts.map { ($0, .aesNI) }
            + [(1, .portable), (9, .portable), (19, .portable)]
        for (count, implementation) in cases {
            let key = Block(generator.next(), generator.next())
            let cipher = AES128(key: key, implementation: implementation)
            var blocks = (0..<count).map { _ in Block(generator.next(), generator.next()) }
            let expected = try blocks.map { try oracle(key: key, $0) }
            blocks.withUnsafeMutableBufferPointer { cipher.encrypt($0.baseAddress!, count: count) }
            XCTAssertEqual(blocks, expected, "batch of \(count), \(implementation), VAES available: \(AES128.vaesAvailable)")
        }
    }

    func testCounterPRGAndHashFollowTheirDefinitions() throws {
        let seed = Block(0x0123_4567_89AB_CDEF, 0xFEDC_BA98_7654_3210)
        var prg = AESCounterPRG(seed: seed)
        var stream = [Block](repeating: Block(), count: 21)
        stream.withUnsafeMutableBufferPointer { prg.fill($0.baseAddress!, count: 10) }
        stream.withUnsafeMutableBufferPointer { prg.fill($0.baseAddress! + 10, count: 11) }
        for j in 0..<21 {
            XCTAssertEqual(stream[j], try oracle(key: seed, Block(UInt64(j), 0)), "PRG block \(j)")
        }
        // H_j(x) = π(σ(x ⊕ j)) ⊕ σ(x ⊕ j), σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L with x_L the high lane.
        var generator = SeededGenerator(seed: 12)
        var inputs = (0..<13).map { _ in Block(generator.next(), generator.next()) }
        let expected = try inputs.enumerated().map { j, x -> Block in
            let tweaked = x ^ Block(100 + UInt64(j), 0)
            let sigma = Block(tweaked[1], tweaked[0] ^ tweaked[1])
            return try oracle(key: CorrelationRobustHash.fixedKey, sigma) ^ sigma
        }
        inputs.withUnsafeMutableBufferPointer { CorrelationRobustHash().hash($0.baseAddress!, count: 13, firstTweak: 100) }
        XCTAssertEqual(inputs, expected)
    }
}

/// The fused pair hash equals two separate hashes of q and q ⊕ Δ.
final class CorrelationRobustHashPairTests: XCTestCase {
    func testPairsMatchSingleHashes() {
        var generator = SeededGenerator(seed: 13)
        let delta = Block(generator.next(), generator.next())
        for count in [1, 3, 4, 5, 17, 300, 1100] {
            let q = (0..<count).map { _ in Block(generator.next(), generator.next()) }
            var zero = [Block](repeating: Block(), count: count), one = zero
            let hash = CorrelationRobustHash()
            q.withUnsafeBufferPointer { qp in
                zero.withUnsafeMutableBufferPointer { z in
                    one.withUnsafeMutableBufferPointer { o in
                        hash.hashPairs(qp.baseAddress!, delta: delta, count: count, firstTweak: 7, zero: z.baseAddress!, one: o.baseAddress!)
                    }
                }
            }
            for j in 0..<count {
                XCTAssertEqual(zero[j], hash.hash(q[j], tweak: 7 + UInt64(j)))
                XCTAssertEqual(one[j], hash.hash(q[j] ^ delta, tweak: 7 + UInt64(j)))
            }
        }
    }
}
