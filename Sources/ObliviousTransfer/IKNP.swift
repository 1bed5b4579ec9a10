import SecretSharing

/// Number of base OTs and width of IKNP's correlation: the computational security parameter κ = 128.
public let iknpWidth = 128

/// OTs per internal batch: rows of 8 KiB, 1 MiB of columns per message.
let iknpBatch = 1 << 16

/// Byte distance between consecutive rows of the scratch matrix: a full batch's row plus one cache line.
/// Rows 8 KiB apart would all fall into the same few cache sets, and the transpose, which reads 16 bytes
/// of every row in turn, would evict its own lines; one line of padding spreads them over the sets.
let iknpRowStride = iknpBatch / 8 + 64

/// The sender of IKNP OT extension. It holds a secret Δ ∈ {0,1}^128 and, per extended OT j, a block q_j;
/// the receiver with choice bit r_j holds t_j = q_j ⊕ r_j·Δ. Every OT variant (random, chosen-message and
/// correlated OTs in `IKNP+Variants.swift`, 1-out-of-N in `IKNP+OneOutOfN.swift`) is derived from these
/// correlated blocks by hashing.
///
/// Matches: Ishai, Kilian, Nissim, Petrank, "Extending Oblivious Transfers Efficiently", CRYPTO 2003,
/// §3 (semi-honest protocol): the roles of the base OTs are reversed — this sender receives the seeds
/// k_i,Δ_i — and the receiver's columns u_i = G(k_i,0) ⊕ G(k_i,1) ⊕ r are sent in one flight.
public final class IKNPSender {
    /// Δ, secret.
    let delta: Block
    private var columns: [AESCounterPRG]
    /// Bit i of Δ as a mask, all ones or all zeros, so that applying the receiver's columns does not
    /// branch on the secret.
    private var deltaMasks: [Block]
    let channel: any Channel
    /// Index of the next OT, the hash tweak; both ends advance it in lock step.
    var nextIndex: UInt64 = 0
    /// Index of the next 1-out-of-N message pad (`IKNP+OneOutOfN.swift`).
    var nextOneOutOfNIndex: UInt64 = 0
    /// Scratch for one batch, allocated once and reused by every call (fresh megabyte buffers per call
    /// cost page faults and clearing): q's rows (`iknpRowStride` apart), the receiver's columns as
    /// received, and the transposed q_j. The secret ones are wiped on release.
    private var matrix = [UInt8](repeating: 0, count: iknpWidth * iknpRowStride)
    private var u = [UInt8](repeating: 0, count: iknpWidth * iknpBatch / 8)
    private var q = [Block](repeating: Block(), count: iknpBatch)

    /// Runs 128 base OTs as their receiver, with the bits of a fresh random Δ as choices.
    public init(channel: any Channel) throws {
        self.channel = channel
        let delta = Block(bytes: SecureRandom.bytes(16))
        let bits = (0..<iknpWidth).map { delta.bit($0) }
        self.delta = delta
        deltaMasks = (0..<iknpWidth).map { i in Block(repeating: 0 &- ((delta[i >> 6] >> UInt64(i & 63)) & 1)) }
        let seeds = try BaseOT.receive(choices: bits, channel: channel)
        columns = seeds.map { AESCounterPRG(seed: $0) }
    }

    /// Extends `count` OTs in batches of at most `iknpBatch`: per batch, receives the receiver's columns
    /// and calls `body(q, offset, n)` with q_offset … q_{offset+n−1} in scratch that the next batch
    /// overwrites (so `body` must not keep the pointer).
    func extend(count: Int, _ body: (UnsafePointer<Block>, _ offset: Int, _ n: Int) throws -> Void) throws {
        var done = 0
        while done < count {
            let n = min(iknpBatch, count - done)
            try extendBatch(n)
            try q.withUnsafeBufferPointer { try body($0.baseAddress!, done, n) }
            done += n
        }
    }

    /// One batch of n ≤ iknpBatch OTs into `q` (n rounded up to whole 128-OT blocks).
    private func extendBatch(_ n: Int) throws {
        let blocksPerRow = (n + 127) / 128
        let rowBytes = blocksPerRow * 16
        try u.withUnsafeMutableBytes { try channel.receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(iknpWidth * rowBytes)])) }
        matrix.withUnsafeMutableBytes { m in
            u.withUnsafeBytes { ub in
                for i in 0..<iknpWidth {
                    let row = (m.baseAddress! + i * iknpRowStride).assumingMemoryBound(to: Block.self)
                    columns[i].fill(row, count: blocksPerRow)
                    // q_i = G(k_i^Δ_i) ⊕ Δ_i·u_i, without a branch on Δ_i.
                    let ui = (ub.baseAddress! + i * rowBytes).assumingMemoryBound(to: Block.self)
                    let mask = deltaMasks[i]
                    for b in 0..<blocksPerRow { row[b] ^= ui[b] & mask }
                }
                q.withUnsafeMutableBufferPointer { out in
                    BitTranspose.transpose128(rows: m.baseAddress!.assumingMemoryBound(to: UInt8.self), rowStride: iknpRowStride,
                                              rowBytes: rowBytes, into: out.baseAddress!)
                }
            }
        }
    }

    deinit {
        wipe(&matrix)
        wipe(&q)
        wipe(&deltaMasks)
    }
}

/// The receiver of IKNP OT extension: for choice bits r_j it obtains t_j = q_j ⊕ r_j·Δ without learning
/// Δ; the sender learns nothing about r. See `IKNPSender`.
public final class IKNPReceiver {
    private var columns0: [AESCounterPRG]
    private var columns1: [AESCounterPRG]
    let channel: any Channel
    var nextIndex: UInt64 = 0
    var nextOneOutOfNIndex: UInt64 = 0
    /// Scratch for one batch, reused (see `IKNPSender`): t's rows, the columns to send, the batch's choice
    /// bits and the transposed t_j. The secret ones are wiped on release.
    private var matrix = [UInt8](repeating: 0, count: iknpWidth * iknpRowStride)
    private var u = [UInt8](repeating: 0, count: iknpWidth * iknpBatch / 8)
    private var r = [UInt8](repeating: 0, count: iknpBatch / 8)
    private var t = [Block](repeating: Block(), count: iknpBatch)

    /// Runs 128 base OTs as their sender.
    public init(channel: any Channel) throws {
        self.channel = channel
        let seeds = try BaseOT.send(count: iknpWidth, channel: channel)
        columns0 = seeds.map { AESCounterPRG(seed: $0.0) }
        columns1 = seeds.map { AESCounterPRG(seed: $0.1) }
    }

    /// Extends OTs for `choices` (bit j of the packed string is r_j, least significant bit first; `count`
    /// of them are used) in batches of at most `iknpBatch`: per batch, sends the columns and calls
    /// `body(t, offset, n)` with t_offset … t_{offset+n−1} in scratch that the next batch overwrites.
    func extend(packedChoices: [UInt8], count: Int, _ body: (UnsafePointer<Block>, _ offset: Int, _ n: Int) throws -> Void) throws {
        var done = 0
        while done < count {
            let n = min(iknpBatch, count - done)
            try extendBatch(n, choices: packedChoices, firstChoice: done)
            try t.withUnsafeBufferPointer { try body($0.baseAddress!, done, n) }
            done += n
        }
    }

    /// One batch of n ≤ iknpBatch OTs into `t`.
    private func extendBatch(_ n: Int, choices: [UInt8], firstChoice: Int) throws {
        let blocksPerRow = (n + 127) / 128
        let rowBytes = blocksPerRow * 16
        // r for this batch, zero-padded to whole blocks (firstChoice is a multiple of iknpBatch, so of 8).
        let start = firstChoice / 8
        matrix.withUnsafeMutableBytes { m in
            u.withUnsafeMutableBytes { ub in
                r.withUnsafeMutableBytes { rb in
                    rb.baseAddress!.initializeMemory(as: UInt8.self, repeating: 0, count: rowBytes)
                    choices.withUnsafeBytes { rb.baseAddress!.copyMemory(from: $0.baseAddress! + start, byteCount: (n + 7) / 8) }
                    if n % 8 != 0 { rb[(n - 1) / 8] &= UInt8((1 << (n % 8)) - 1) }
                    let choiceBlocks = rb.baseAddress!.assumingMemoryBound(to: Block.self)
                    for i in 0..<iknpWidth {
                        let row = (m.baseAddress! + i * iknpRowStride).assumingMemoryBound(to: Block.self)
                        let ui = (ub.baseAddress! + i * rowBytes).assumingMemoryBound(to: Block.self)
                        columns0[i].fill(row, count: blocksPerRow)
                        columns1[i].fill(ui, count: blocksPerRow)
                        for b in 0..<blocksPerRow { ui[b] ^= row[b] ^ choiceBlocks[b] }
                    }
                }
            }
        }
        try u.withUnsafeBytes { try channel.send(UnsafeRawBufferPointer(rebasing: $0[0..<(iknpWidth * rowBytes)])) }
        matrix.withUnsafeBytes { m in
            t.withUnsafeMutableBufferPointer { out in
                BitTranspose.transpose128(rows: m.baseAddress!.assumingMemoryBound(to: UInt8.self), rowStride: iknpRowStride,
                                          rowBytes: rowBytes, into: out.baseAddress!)
            }
        }
    }

    deinit {
        wipe(&matrix)
        wipe(&r)
        wipe(&t)
    }
}
