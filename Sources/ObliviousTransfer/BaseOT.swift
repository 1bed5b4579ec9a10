import Crypto
import SecretSharing

/// Base oblivious transfer: k random 1-out-of-2 OTs of 128-bit keys, the seeds of IKNP.
///
/// Matches: Chou, Orlandi, "The Simplest Protocol for Oblivious Transfer", LATINCRYPT 2015 (eprint
/// 2015/267), semi-honest use, over edwards25519 (`EdwardsPoint`) with SHA-256 as the random oracle:
///
///     sender:   a ← random, A = a·B                                    → A
///     receiver: b_i ← random, B_i = b_i·B + c_i·A                      → B_1 … B_k
///     sender:   k_i,0 = H(i, A, B_i, a·B_i), k_i,1 = H(i, A, B_i, a·B_i − a·A)
///     receiver: k_i,c_i = H(i, A, B_i, b_i·A)
///
/// Scalars are multiples of the cofactor 8, so small-order components of received points vanish, and a
/// received A of small order is rejected. Two flights, 32·(k + 1) bytes.
///
/// Why this and not the design's Masny–Rindal OT over ML-KEM-768: ML-KEM is public only in swift-crypto
/// 4.x, and moving the project's pin changes the CSPRNG every target uses (see private-unet/DESIGN.md
/// §3); 128 base OTs per session take milliseconds either way and 4 KB here instead of ≈ 0.6 MB. The
/// price is that this base OT is not post-quantum; the extension (AES) is unaffected.
public enum BaseOT {
    /// Runs the sender's side of `count` random OTs; returns (k_i,0, k_i,1) for each i.
    public static func send(count: Int, channel: any Channel) throws -> [(Block, Block)] {
        let a = randomScalar()
        let bigA = EdwardsPoint.base.multiplied(by: a)
        let encodedA = bigA.encoded
        try channel.send(encodedA)
        let aA = bigA.multiplied(by: a)
        var keys: [(Block, Block)] = []
        keys.reserveCapacity(count)
        for i in 0..<count {
            let encodedB = try channel.receiveBytes(count: 32)
            guard let bigB = EdwardsPoint(encoded: encodedB) else { throw ObliviousTransferError.invalidCurvePoint(index: i) }
            let shared = bigB.multiplied(by: a)
            keys.append((key(i, encodedA, encodedB, shared), key(i, encodedA, encodedB, shared - aA)))
        }
        return keys
    }

    /// Runs the receiver's side with the given choice bits; returns k_i,c_i for each i.
    public static func receive(choices: [Bool], channel: any Channel) throws -> [Block] {
        let encodedA = try channel.receiveBytes(count: 32)
        guard let bigA = EdwardsPoint(encoded: encodedA), !bigA.hasSmallOrder else {
            throw ObliviousTransferError.invalidCurvePoint(index: 0)
        }
        var keys: [Block] = []
        keys.reserveCapacity(choices.count)
        for (i, choice) in choices.enumerated() {
            let b = randomScalar()
            let bigB = EdwardsPoint.base.multiplied(by: b) + EdwardsPoint.select(choice, bigA, .identity)
            let encodedB = bigB.encoded
            try channel.send(encodedB)
            keys.append(key(i, encodedA, encodedB, bigA.multiplied(by: b)))
        }
        try channel.flush()
        return keys
    }

    /// A uniform multiple of 8 below 2^255 from the operating system's entropy.
    static func randomScalar() -> [UInt8] {
        var scalar = SecureRandom.bytes(32)
        scalar[0] &= 0xF8
        scalar[31] &= 0x7F
        return scalar
    }

    /// H(i, A, B, P): the first 16 bytes of SHA-256 over a domain label, the index and the encodings.
    static func key(_ index: Int, _ encodedA: [UInt8], _ encodedB: [UInt8], _ point: EdwardsPoint) -> Block {
        var hasher = SHA256()
        hasher.update(data: Array("HEDiffusion base OT v1".utf8))
        withUnsafeBytes(of: UInt64(index).littleEndian) { hasher.update(bufferPointer: $0) }
        hasher.update(data: encodedA)
        hasher.update(data: encodedB)
        hasher.update(data: point.encoded)
        return Block(bytes: Array(hasher.finalize()))
    }
}
