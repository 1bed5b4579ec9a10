import OTKernels

/// AES-128 encryption under one expanded key: AES-NI when the CPU has it (the `OTKernels` C target, which
/// enables the instructions per function so the package needs no compiler flags), else a portable
/// byte-wise implementation. Used as the pseudorandom generator that stretches IKNP's base-OT seeds
/// (`AESCounterPRG`) and as the fixed-key permutation of the correlation-robust hash
/// (`CorrelationRobustHash`). Batches run eight blocks in flight, which hides the AESENC latency.
public struct AES128: Sendable {
    /// Which code encrypts.
    public enum Implementation: Sendable {
        /// AES-NI when available, else portable.
        case automatic
        /// The portable byte-wise algorithm (FIPS 197 §5.1), whatever the CPU.
        case portable
    }

    /// Whether this CPU has AES-NI (CPUID).
    public static let hardwareAvailable = hediff_aes_ni_available() == 1

    /// The 11 round keys, 176 bytes in memory order.
    private let roundKeys: [UInt8]
    private let useHardware: Bool

    /// Expands a 16-byte key (FIPS 197 §5.2).
    public init(key: Block, implementation: Implementation = .automatic) {
        roundKeys = AESKeySchedule.expand(key: key).flatMap { $0.bytes }
        useHardware = implementation == .automatic && AES128.hardwareAvailable
    }

    /// AES_k(block).
    public func encrypt(_ block: Block) -> Block {
        var one = block
        encrypt(&one, count: 1)
        return one
    }

    /// Encrypts `count` blocks in place.
    public func encrypt(_ blocks: UnsafeMutablePointer<Block>, count: Int) {
        guard count > 0 else { return }
        let bytes = UnsafeMutableRawPointer(blocks).assumingMemoryBound(to: UInt8.self)
        roundKeys.withUnsafeBufferPointer { keys in
            if useHardware {
                hediff_aes128_encrypt_ni(keys.baseAddress!, bytes, count)
            } else {
                AESKeySchedule.sBox.withUnsafeBufferPointer { box in
                    hediff_aes128_encrypt_portable(keys.baseAddress!, box.baseAddress!, bytes, count)
                }
            }
        }
    }
}

/// A pseudorandom generator: AES-128 in counter mode keyed by a 128-bit seed, block j = AES_seed(j).
/// Both ends of an IKNP column stretch the same seed, so the counter advances in lock step.
public struct AESCounterPRG: Sendable {
    private let cipher: AES128
    private var counter: UInt64 = 0

    public init(seed: Block) { cipher = AES128(key: seed) }

    /// Writes the next `count` blocks of the stream.
    public mutating func fill(_ destination: UnsafeMutablePointer<Block>, count: Int) {
        for j in 0..<count { destination[j] = Block(counter &+ UInt64(j), 0) }
        counter &+= UInt64(count)
        cipher.encrypt(destination, count: count)
    }
}

/// The correlation-robust hash of OT extension: H_j(x) = π(σ(x ⊕ j)) ⊕ σ(x ⊕ j), with π fixed-key AES,
/// σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L a linear orthomorphism, and the OT index j as tweak.
///
/// Matches: Guo, Katz, Wang, Yu, "Efficient and Secure Multiparty Computation from Fixed-Key Block
/// Ciphers", IEEE S&P 2020 (eprint 2019/074), §7.3: σ-MMO is circular correlation robust in the
/// random-permutation model, which is what IKNP's H(q_j ⊕ Δ) needs.
public struct CorrelationRobustHash: Sendable {
    private let cipher: AES128

    /// The fixed public key: the first 128 bits of π's fractional part, as two 64-bit lanes (any
    /// public constant works; a "nothing up my sleeve" one shows none was chosen).
    public static let fixedKey = Block(0x243F_6A88_85A3_08D3, 0x1319_8A2E_0370_7344)

    public init() { cipher = AES128(key: CorrelationRobustHash.fixedKey) }

    @inline(__always) static func sigma(_ x: Block) -> Block { Block(x[1], x[0] ^ x[1]) }

    /// Blocks encrypted per call of the cipher: large enough to amortize the call, small enough to stay
    /// in the L1/L2 cache.
    private static let chunk = 512

    /// Hashes `count` blocks in place with tweaks firstTweak, firstTweak + 1, ….
    public func hash(_ blocks: UnsafeMutablePointer<Block>, count: Int, firstTweak: UInt64) {
        withUnsafeTemporaryAllocation(of: Block.self, capacity: CorrelationRobustHash.chunk) { scratch in
            let y = scratch.baseAddress!
            var start = 0
            while start < count {
                let n = min(CorrelationRobustHash.chunk, count - start)
                for t in 0..<n {
                    blocks[start + t] = CorrelationRobustHash.sigma(blocks[start + t] ^ Block(firstTweak &+ UInt64(start + t), 0))
                    y[t] = blocks[start + t]
                }
                cipher.encrypt(y, count: n)
                for t in 0..<n { blocks[start + t] ^= y[t] }
                start += n
            }
        }
    }

    /// The sender's two pads in one pass: zero[j] = H_{t+j}(q_j), one[j] = H_{t+j}(q_j ⊕ Δ). `zero` may
    /// alias `q`.
    public func hashPairs(_ q: UnsafePointer<Block>, delta: Block, count: Int, firstTweak: UInt64,
                          zero: UnsafeMutablePointer<Block>, one: UnsafeMutablePointer<Block>) {
        let half = CorrelationRobustHash.chunk / 2
        withUnsafeTemporaryAllocation(of: Block.self, capacity: 2 * CorrelationRobustHash.chunk) { scratch in
            let y = scratch.baseAddress!, encrypted = y + CorrelationRobustHash.chunk
            var start = 0
            while start < count {
                let n = min(half, count - start)
                for t in 0..<n {
                    let tweaked = q[start + t] ^ Block(firstTweak &+ UInt64(start + t), 0)
                    y[t] = CorrelationRobustHash.sigma(tweaked)
                    y[n + t] = CorrelationRobustHash.sigma(tweaked ^ delta)
                }
                encrypted.update(from: y, count: 2 * n)
                cipher.encrypt(encrypted, count: 2 * n)
                for t in 0..<n {
                    zero[start + t] = encrypted[t] ^ y[t]
                    one[start + t] = encrypted[n + t] ^ y[n + t]
                }
                start += n
            }
        }
    }

    /// H_tweak(x) for one block.
    public func hash(_ x: Block, tweak: UInt64) -> Block {
        var one = x
        hash(&one, count: 1, firstTweak: tweak)
        return one
    }
}
