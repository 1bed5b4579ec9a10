#if arch(x86_64)
import _Builtin_intrinsics.intel
#else
#error("ObliviousTransfer encrypts with AES-NI and builds for x86-64 only")
#endif

/// AES-128 encryption under one expanded key, on AES-NI. Used as the pseudorandom generator that
/// stretches IKNP's base-OT seeds (`AESCounterPRG`) and as the fixed-key permutation of the
/// correlation-robust hash (`CorrelationRobustHash`). Batches run eight blocks in flight, which hides
/// the AESENC latency (≈ 4 cycles, one issued per cycle).
public struct AES128: @unchecked Sendable {
    /// The 11 round keys, in SSE layout.
    private let roundKeys: ContiguousArray<SIMD2<Int64>>

    /// Expands a 16-byte key (FIPS 197 §5.2).
    public init(key: Block) {
        roundKeys = ContiguousArray(AESKeySchedule.expand(key: key).map { unsafeBitCast($0, to: SIMD2<Int64>.self) })
    }

    /// AES_k(block).
    public func encrypt(_ block: Block) -> Block {
        var one = block
        encrypt(&one, count: 1)
        return one
    }

    /// Encrypts `count` blocks in place.
    public func encrypt(_ blocks: UnsafeMutablePointer<Block>, count: Int) {
        roundKeys.withUnsafeBufferPointer { k in
            let raw = UnsafeMutableRawPointer(blocks).assumingMemoryBound(to: SIMD2<Int64>.self)
            var i = 0
            while i + 8 <= count {
                var x0 = raw[i] ^ k[0], x1 = raw[i + 1] ^ k[0], x2 = raw[i + 2] ^ k[0], x3 = raw[i + 3] ^ k[0]
                var x4 = raw[i + 4] ^ k[0], x5 = raw[i + 5] ^ k[0], x6 = raw[i + 6] ^ k[0], x7 = raw[i + 7] ^ k[0]
                for r in 1..<10 {
                    let key = k[r]
                    x0 = _mm_aesenc_si128(x0, key); x1 = _mm_aesenc_si128(x1, key)
                    x2 = _mm_aesenc_si128(x2, key); x3 = _mm_aesenc_si128(x3, key)
                    x4 = _mm_aesenc_si128(x4, key); x5 = _mm_aesenc_si128(x5, key)
                    x6 = _mm_aesenc_si128(x6, key); x7 = _mm_aesenc_si128(x7, key)
                }
                let last = k[10]
                raw[i] = _mm_aesenclast_si128(x0, last); raw[i + 1] = _mm_aesenclast_si128(x1, last)
                raw[i + 2] = _mm_aesenclast_si128(x2, last); raw[i + 3] = _mm_aesenclast_si128(x3, last)
                raw[i + 4] = _mm_aesenclast_si128(x4, last); raw[i + 5] = _mm_aesenclast_si128(x5, last)
                raw[i + 6] = _mm_aesenclast_si128(x6, last); raw[i + 7] = _mm_aesenclast_si128(x7, last)
                i += 8
            }
            while i < count {
                var x = raw[i] ^ k[0]
                for r in 1..<10 { x = _mm_aesenc_si128(x, k[r]) }
                raw[i] = _mm_aesenclast_si128(x, k[10])
                i += 1
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

    /// Hashes `count` blocks in place with tweaks firstTweak, firstTweak + 1, ….
    public func hash(_ blocks: UnsafeMutablePointer<Block>, count: Int, firstTweak: UInt64) {
        for j in 0..<count {
            blocks[j] = CorrelationRobustHash.sigma(blocks[j] ^ Block(firstTweak &+ UInt64(j), 0))
        }
        // π(y) ⊕ y needs y after encryption; encrypt in groups through a small buffer.
        var scratch = (Block(), Block(), Block(), Block(), Block(), Block(), Block(), Block())
        withUnsafeMutableBytes(of: &scratch) { raw in
            let buffer = raw.baseAddress!.assumingMemoryBound(to: Block.self)
            var i = 0
            while i < count {
                let n = min(8, count - i)
                for t in 0..<n { buffer[t] = blocks[i + t] }
                cipher.encrypt(buffer, count: n)
                for t in 0..<n { blocks[i + t] ^= buffer[t] }
                i += n
            }
        }
    }

    /// The sender's two pads in one pass: zero[j] = H_{t+j}(q_j), one[j] = H_{t+j}(q_j ⊕ Δ), eight blocks
    /// in flight. `zero` may alias `q`.
    public func hashPairs(_ q: UnsafePointer<Block>, delta: Block, count: Int, firstTweak: UInt64,
                          zero: UnsafeMutablePointer<Block>, one: UnsafeMutablePointer<Block>) {
        var scratch = (Block(), Block(), Block(), Block(), Block(), Block(), Block(), Block())
        var inputs = scratch
        withUnsafeMutableBytes(of: &scratch) { rawScratch in
            withUnsafeMutableBytes(of: &inputs) { rawInputs in
                let buffer = rawScratch.baseAddress!.assumingMemoryBound(to: Block.self)
                let y = rawInputs.baseAddress!.assumingMemoryBound(to: Block.self)
                var j = 0
                while j < count {
                    let n = min(4, count - j)
                    for t in 0..<n {
                        let tweaked = q[j + t] ^ Block(firstTweak &+ UInt64(j + t), 0)
                        y[t] = CorrelationRobustHash.sigma(tweaked)
                        y[4 + t] = CorrelationRobustHash.sigma(tweaked ^ delta)
                        buffer[t] = y[t]
                        buffer[4 + t] = y[4 + t]
                    }
                    if n == 4 {
                        cipher.encrypt(buffer, count: 8)
                    } else {
                        cipher.encrypt(buffer, count: n)
                        cipher.encrypt(buffer + 4, count: n)
                    }
                    for t in 0..<n {
                        zero[j + t] = buffer[t] ^ y[t]
                        one[j + t] = buffer[4 + t] ^ y[4 + t]
                    }
                    j += n
                }
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
