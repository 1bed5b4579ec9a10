/// The correlation-robust hash of OT extension: H_j(x) = π(σ(x ⊕ j)) ⊕ σ(x ⊕ j), with π fixed-key AES,
/// σ(x_L ‖ x_R) = (x_L ⊕ x_R) ‖ x_L a linear orthomorphism, and the OT index j as tweak.
///
/// Matches: Guo, Katz, Wang, Yu, "Efficient and Secure Multiparty Computation from Fixed-Key Block
/// Ciphers", IEEE S&P 2020 (eprint 2019/074), §7.3: σ-MMO is circular correlation robust in the
/// random-permutation model, which is what IKNP's H(q_j ⊕ Δ) needs.
///
/// The hashes are handed out per element (`forEachHash`, `forEachHashPair`) so that IKNP's variants
/// consume them as they are made — reduced into a ring, masked into a message — instead of storing a
/// megabyte of pads and passing over it again.
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

    /// Calls `body(j, H_{firstTweak+j}(x_j))` for j = 0 ..< count in order. `body` may overwrite x_j (the
    /// inputs of a chunk are read before any of its hashes is handed out).
    @inline(__always)
    func forEachHash(_ x: UnsafePointer<Block>, count: Int, firstTweak: UInt64, _ body: (Int, Block) -> Void) {
        withUnsafeTemporaryAllocation(of: Block.self, capacity: 2 * CorrelationRobustHash.chunk) { scratch in
            let y = scratch.baseAddress!, encrypted = y + CorrelationRobustHash.chunk
            var start = 0
            while start < count {
                let n = min(CorrelationRobustHash.chunk, count - start)
                for k in 0..<n {
                    let s = CorrelationRobustHash.sigma(x[start + k] ^ Block(firstTweak &+ UInt64(start + k), 0))
                    y[k] = s
                    encrypted[k] = s
                }
                cipher.encrypt(encrypted, count: n)
                for k in 0..<n { body(start + k, encrypted[k] ^ y[k]) }
                start += n
            }
        }
    }

    /// Calls `body(j, H_{firstTweak+j}(q_j), H_{firstTweak+j}(q_j ⊕ Δ))` for j = 0 ..< count in order: the
    /// sender's two pads in one pass. `body` may overwrite q_j.
    @inline(__always)
    func forEachHashPair(_ q: UnsafePointer<Block>, delta: Block, count: Int, firstTweak: UInt64,
                         _ body: (Int, Block, Block) -> Void) {
        let half = CorrelationRobustHash.chunk / 2
        withUnsafeTemporaryAllocation(of: Block.self, capacity: 2 * CorrelationRobustHash.chunk) { scratch in
            let y = scratch.baseAddress!, encrypted = y + CorrelationRobustHash.chunk
            var start = 0
            while start < count {
                let n = min(half, count - start)
                for k in 0..<n {
                    let tweaked = q[start + k] ^ Block(firstTweak &+ UInt64(start + k), 0)
                    let s0 = CorrelationRobustHash.sigma(tweaked), s1 = CorrelationRobustHash.sigma(tweaked ^ delta)
                    y[k] = s0
                    y[n + k] = s1
                    encrypted[k] = s0
                    encrypted[n + k] = s1
                }
                cipher.encrypt(encrypted, count: 2 * n)
                for k in 0..<n { body(start + k, encrypted[k] ^ y[k], encrypted[n + k] ^ y[n + k]) }
                start += n
            }
        }
    }

    /// Hashes `count` blocks in place with tweaks firstTweak, firstTweak + 1, ….
    public func hash(_ blocks: UnsafeMutablePointer<Block>, count: Int, firstTweak: UInt64) {
        forEachHash(blocks, count: count, firstTweak: firstTweak) { j, h in blocks[j] = h }
    }

    /// The sender's two pads in one pass: zero[j] = H_{t+j}(q_j), one[j] = H_{t+j}(q_j ⊕ Δ). `zero` may
    /// alias `q`.
    public func hashPairs(_ q: UnsafePointer<Block>, delta: Block, count: Int, firstTweak: UInt64,
                          zero: UnsafeMutablePointer<Block>, one: UnsafeMutablePointer<Block>) {
        forEachHashPair(q, delta: delta, count: count, firstTweak: firstTweak) { j, h0, h1 in
            zero[j] = h0
            one[j] = h1
        }
    }

    /// H_tweak(x) for one block.
    public func hash(_ x: Block, tweak: UInt64) -> Block {
        var one = x
        hash(&one, count: 1, firstTweak: tweak)
        return one
    }
}
