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
    private let deltaBits: [Bool]
    let channel: any Channel
    /// Index of the next OT, the hash tweak; both ends advance it in lock step.
    var nextIndex: UInt64 = 0
    /// Index of the next 1-out-of-N message pad (`IKNP+OneOutOfN.swift`).
    var nextOneOutOfNIndex: UInt64 = 0
    /// Scratch for one batch: q's rows (`iknpRowStride` apart) and the receiver's columns, reused, wiped on
    /// release.
    private var matrix = [UInt8](repeating: 0, count: iknpWidth * iknpRowStride)
    private var u = [UInt8](repeating: 0, count: iknpWidth * iknpBatch / 8)

    /// Runs 128 base OTs as their receiver, with the bits of a fresh random Δ as choices.
    public init(channel: any Channel) throws {
        self.channel = channel
        let delta = Block(bytes: SecureRandom.bytes(16))
        let bits = (0..<iknpWidth).map { delta.bit($0) }
        self.delta = delta
        deltaBits = bits
        let seeds = try BaseOT.receive(choices: bits, channel: channel)
        columns = seeds.map { AESCounterPRG(seed: $0) }
    }

    /// Extends `count` OTs: receives the receiver's columns and returns q_0 … q_{count−1}.
    func extend(count: Int) throws -> [Block] {
        var q = [Block](repeating: Block(), count: count)
        var done = 0
        while done < count {
            let n = min(iknpBatch, count - done)
            try q.withUnsafeMutableBufferPointer { try extendBatch(n, into: $0.baseAddress! + done) }
            done += n
        }
        return q
    }

    private func extendBatch(_ n: Int, into out: UnsafeMutablePointer<Block>) throws {
        let blocksPerRow = (n + 127) / 128
        let rowBytes = blocksPerRow * 16
        try u.withUnsafeMutableBytes { try channel.receive(into: UnsafeMutableRawBufferPointer(rebasing: $0[0..<(iknpWidth * rowBytes)])) }
        matrix.withUnsafeMutableBytes { m in
            u.withUnsafeBytes { ub in
                for i in 0..<iknpWidth {
                    let row = (m.baseAddress! + i * iknpRowStride).assumingMemoryBound(to: Block.self)
                    columns[i].fill(row, count: blocksPerRow)
                    if deltaBits[i] {
                        let ui = (ub.baseAddress! + i * rowBytes).assumingMemoryBound(to: Block.self)
                        for b in 0..<blocksPerRow { row[b] ^= ui[b] }
                    }
                }
            }
        }
        if n == blocksPerRow * 128 {
            matrix.withUnsafeBytes { BitTranspose.transpose128(rows: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), rowStride: iknpRowStride, rowBytes: rowBytes, into: out) }
        } else {
            var full = [Block](repeating: Block(), count: blocksPerRow * 128)
            matrix.withUnsafeBytes { m in
                full.withUnsafeMutableBufferPointer {
                    BitTranspose.transpose128(rows: m.baseAddress!.assumingMemoryBound(to: UInt8.self), rowStride: iknpRowStride, rowBytes: rowBytes, into: $0.baseAddress!)
                }
            }
            for j in 0..<n { out[j] = full[j] }
            wipe(&full)
        }
    }

    deinit { wipe(&matrix) }
}

/// The receiver of IKNP OT extension: for choice bits r_j it obtains t_j = q_j ⊕ r_j·Δ without learning
/// Δ; the sender learns nothing about r. See `IKNPSender`.
public final class IKNPReceiver {
    private var columns0: [AESCounterPRG]
    private var columns1: [AESCounterPRG]
    let channel: any Channel
    var nextIndex: UInt64 = 0
    var nextOneOutOfNIndex: UInt64 = 0
    private var matrix = [UInt8](repeating: 0, count: iknpWidth * iknpRowStride)
    private var u = [UInt8](repeating: 0, count: iknpWidth * iknpBatch / 8)

    /// Runs 128 base OTs as their sender.
    public init(channel: any Channel) throws {
        self.channel = channel
        let seeds = try BaseOT.send(count: iknpWidth, channel: channel)
        columns0 = seeds.map { AESCounterPRG(seed: $0.0) }
        columns1 = seeds.map { AESCounterPRG(seed: $0.1) }
    }

    /// Extends OTs for `choices` (bit j of the packed string is r_j, least significant bit first; `count`
    /// of them are used): sends the columns and returns t_0 … t_{count−1}.
    func extend(packedChoices: [UInt8], count: Int) throws -> [Block] {
        var t = [Block](repeating: Block(), count: count)
        var done = 0
        while done < count {
            let n = min(iknpBatch, count - done)
            try t.withUnsafeMutableBufferPointer {
                try extendBatch(n, choices: packedChoices, firstChoice: done, into: $0.baseAddress! + done)
            }
            done += n
        }
        return t
    }

    private func extendBatch(_ n: Int, choices: [UInt8], firstChoice: Int, into out: UnsafeMutablePointer<Block>) throws {
        let blocksPerRow = (n + 127) / 128
        let rowBytes = blocksPerRow * 16
        // r for this batch, zero-padded to whole blocks (firstChoice is a multiple of iknpBatch, so of 8).
        var r = [UInt8](repeating: 0, count: rowBytes)
        let start = firstChoice / 8
        for k in 0..<((n + 7) / 8) { r[k] = choices[start + k] }
        if n % 8 != 0 { r[(n - 1) / 8] &= UInt8((1 << (n % 8)) - 1) }
        matrix.withUnsafeMutableBytes { m in
            u.withUnsafeMutableBytes { ub in
                r.withUnsafeBytes { rb in
                    let choiceBlocks = rb.baseAddress!.assumingMemoryBound(to: Block.self)
                    for i in 0..<iknpWidth {
                        let t = (m.baseAddress! + i * iknpRowStride).assumingMemoryBound(to: Block.self)
                        let ui = (ub.baseAddress! + i * rowBytes).assumingMemoryBound(to: Block.self)
                        columns0[i].fill(t, count: blocksPerRow)
                        columns1[i].fill(ui, count: blocksPerRow)
                        for b in 0..<blocksPerRow { ui[b] ^= t[b] ^ choiceBlocks[b] }
                    }
                }
            }
        }
        try u.withUnsafeBytes { try channel.send(UnsafeRawBufferPointer(rebasing: $0[0..<(iknpWidth * rowBytes)])) }
        if n == blocksPerRow * 128 {
            matrix.withUnsafeBytes { BitTranspose.transpose128(rows: $0.baseAddress!.assumingMemoryBound(to: UInt8.self), rowStride: iknpRowStride, rowBytes: rowBytes, into: out) }
        } else {
            var full = [Block](repeating: Block(), count: blocksPerRow * 128)
            matrix.withUnsafeBytes { m in
                full.withUnsafeMutableBufferPointer {
                    BitTranspose.transpose128(rows: m.baseAddress!.assumingMemoryBound(to: UInt8.self), rowStride: iknpRowStride, rowBytes: rowBytes, into: $0.baseAddress!)
                }
            }
            for j in 0..<n { out[j] = full[j] }
            wipe(&full)
        }
        wipe(&r)
    }

    deinit { wipe(&matrix) }
}
