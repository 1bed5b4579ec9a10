import SecretSharing

/// Packs choice bits least significant bit first. Eight at a time without branching on them (they are
/// secret, and random branches mispredict): a Bool is stored as the byte 0 or 1, and multiplying eight such
/// bytes by 0x0102040810204080 gathers byte k's bit into bit 56 + k with no carries between the terms.
func packBits(_ bits: [Bool]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
    bits.withUnsafeBytes { b in
        out.withUnsafeMutableBufferPointer { o in
            let whole = bits.count / 8
            for k in 0..<whole {
                let eight = UInt64(littleEndian: b.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self))
                o[k] = UInt8(truncatingIfNeeded: (eight &* 0x0102_0408_1020_4080) >> 56)
            }
            for j in (8 * whole)..<bits.count { o[j >> 3] |= (b[j] & 1) << UInt8(j & 7) }
        }
    }
    return out
}

private func lowMask(_ bits: Int) -> UInt64 { bits == 64 ? .max : (1 << UInt64(bits)) - 1 }

/// An array of `count` elements written once each by `initialize` (no clearing pass first).
private func filledArray<T>(count: Int, _ initialize: (UnsafeMutablePointer<T>) throws -> Void) rethrows -> [T] {
    try [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        if count > 0 { try initialize(buffer.baseAddress!) }
        initialized = count
    }
}

/// The OT variants the two-party protocols use, each derived from IKNP's correlated blocks with the
/// correlation-robust hash H (tweak = OT index): the sender's two pads are H(q_j) and H(q_j ⊕ Δ), the
/// receiver's pad is H(t_j) = the r_j-th of them. Without Δ the other pad is pseudorandom to the receiver.
///
/// Each variant hashes a batch's q_j / t_j straight out of IKNP's scratch and uses the pads as they come
/// (`CorrelationRobustHash.forEachHashPair`), so only its results are allocated.
extension IKNPSender {
    /// Extends `count` OTs and calls `body(j, H(q_j), H(q_j ⊕ Δ))` for each, in order.
    @inline(__always)
    private func forEachPadPair(count: Int, _ body: (Int, Block, Block) -> Void) throws {
        let hash = CorrelationRobustHash(), firstTweak = nextIndex
        try extend(count: count) { q, offset, n in
            hash.forEachHashPair(q, delta: delta, count: n, firstTweak: firstTweak &+ UInt64(offset)) { k, zero, one in
                body(offset + k, zero, one)
            }
        }
        nextIndex &+= UInt64(count)
    }

    /// Random OT: returns two random 128-bit messages per OT; the receiver learns the one it chose.
    public func randomOT(count: Int) throws -> [(Block, Block)] {
        try filledArray(count: count) { out in
            try forEachPadPair(count: count) { j, zero, one in (out + j).initialize(to: (zero, one)) }
        }
    }

    /// Chosen-message OT of w-bit messages (1 ≤ w ≤ 64): the receiver learns messages[j].0 or .1 by its
    /// choice. Sends 2·w bits per OT in one flight after the receiver's columns.
    public func send(messages: [(UInt64, UInt64)], bitWidth: Int) throws {
        guard (1...64).contains(bitWidth) else { throw ObliviousTransferError.invalidBitWidth(bitWidth) }
        let mask = lowMask(bitWidth)
        let masked: [UInt64] = try messages.withUnsafeBufferPointer { m in
            try filledArray(count: 2 * m.count) { out in
                try forEachPadPair(count: m.count) { j, zero, one in
                    out[2 * j] = (m[j].0 ^ zero[0]) & mask
                    out[2 * j + 1] = (m[j].1 ^ one[0]) & mask
                }
            }
        }
        try channel.send(packed: masked, bitWidth: bitWidth)
    }

    /// Correlated OT over Z_{2^ℓ} (CrypTFlow2's COT): returns random x_j; the receiver obtains
    /// x_j + r_j·c_j mod 2^ℓ. Sends ℓ bits per OT.
    public func sendCorrelated(_ correlations: [UInt64], ring: Ring) throws -> [UInt64] {
        let count = correlations.count
        var y = [UInt64]()
        let x: [UInt64] = try correlations.withUnsafeBufferPointer { c in
            var x = [UInt64]()
            // x_j = H(q_j) mod 2^ℓ; y_j = x_j + c_j − H(q_j ⊕ Δ): the receiver with r_j = 1 adds y_j to
            // H(t_j) = H(q_j ⊕ Δ). Both fused into the hash loop.
            y = try filledArray(count: count) { yOut in
                x = try filledArray(count: count) { xOut in
                    try forEachPadPair(count: count) { j, zero, one in
                        let xj = ring.reduce(zero[0])
                        xOut[j] = xj
                        yOut[j] = ring.subtract(ring.add(xj, c[j]), one[0])
                    }
                }
            }
            return x
        }
        try channel.send(elements: y, of: ring)
        return x
    }
}

extension IKNPReceiver {
    /// Extends OTs for `choices` and calls `body(j, H(t_j))` for each, in order.
    @inline(__always)
    private func forEachPad(choices: [Bool], _ body: (Int, Block) -> Void) throws {
        let hash = CorrelationRobustHash(), firstTweak = nextIndex
        var packed = packBits(choices)
        try extend(packedChoices: packed, count: choices.count) { t, offset, n in
            hash.forEachHash(t, count: n, firstTweak: firstTweak &+ UInt64(offset)) { k, pad in body(offset + k, pad) }
        }
        wipe(&packed)
        nextIndex &+= UInt64(choices.count)
    }

    /// Random OT: the message the sender's `randomOT` produced at index choices[j] for each j.
    public func randomOT(choices: [Bool]) throws -> [Block] {
        try filledArray(count: choices.count) { out in
            try forEachPad(choices: choices) { j, pad in out[j] = pad }
        }
    }

    /// Chosen-message OT: receives messages[j].(choices[j]) of w bits each.
    public func receive(choices: [Bool], bitWidth: Int) throws -> [UInt64] {
        guard (1...64).contains(bitWidth) else { throw ObliviousTransferError.invalidBitWidth(bitWidth) }
        var pads: [UInt64] = try filledArray(count: choices.count) { out in
            try forEachPad(choices: choices) { j, pad in out[j] = pad[0] }
        }
        let masked = try channel.receivePacked(count: 2 * choices.count, bitWidth: bitWidth)
        let mask = lowMask(bitWidth)
        choices.withUnsafeBufferPointer { r in
            pads.withUnsafeMutableBufferPointer { p in
                for j in r.indices { p[j] = (masked[2 * j + (r[j] ? 1 : 0)] ^ p[j]) & mask }
            }
        }
        return pads
    }

    /// Correlated OT over Z_{2^ℓ}: returns x_j + r_j·c_j for the sender's random x_j and correlation c_j.
    public func receiveCorrelated(choices: [Bool], ring: Ring) throws -> [UInt64] {
        var result: [UInt64] = try filledArray(count: choices.count) { out in
            try forEachPad(choices: choices) { j, pad in out[j] = pad[0] }
        }
        let y = try channel.receiveElements(count: choices.count, of: ring)
        choices.withUnsafeBufferPointer { r in
            y.withUnsafeBufferPointer { yb in
                result.withUnsafeMutableBufferPointer { out in
                    // H(t_j) + r_j·y_j, the selection by a mask rather than a branch on the secret choice.
                    for j in r.indices { out[j] = ring.add(out[j], yb[j] & (0 &- UInt64(r[j] ? 1 : 0))) }
                }
            }
        }
        return result
    }
}
