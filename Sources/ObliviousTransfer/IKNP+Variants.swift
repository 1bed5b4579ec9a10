import SecretSharing

/// Packs choice bits least significant bit first.
func packBits(_ bits: [Bool]) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: (bits.count + 7) / 8)
    for (j, bit) in bits.enumerated() where bit { out[j >> 3] |= 1 << UInt8(j & 7) }
    return out
}

private func lowMask(_ bits: Int) -> UInt64 { bits == 64 ? .max : (1 << UInt64(bits)) - 1 }

/// The OT variants the two-party protocols use, each derived from IKNP's correlated blocks with the
/// correlation-robust hash H (tweak = OT index): the sender's two pads are H(q_j) and H(q_j ⊕ Δ), the
/// receiver's pad is H(t_j) = the r_j-th of them. Without Δ the other pad is pseudorandom to the receiver.
extension IKNPSender {
    /// The sender's pads for the next `count` OTs: (H(q_j), H(q_j ⊕ Δ)).
    private func pads(count: Int) throws -> ([Block], [Block]) {
        var zero = try extend(count: count)
        var one = [Block](repeating: Block(), count: count)
        let hash = CorrelationRobustHash()
        zero.withUnsafeMutableBufferPointer { z in
            one.withUnsafeMutableBufferPointer { o in
                hash.hashPairs(z.baseAddress!, delta: delta, count: count, firstTweak: nextIndex,
                               zero: z.baseAddress!, one: o.baseAddress!)
            }
        }
        nextIndex &+= UInt64(count)
        return (zero, one)
    }

    /// Random OT: returns two random 128-bit messages per OT; the receiver learns the one it chose.
    public func randomOT(count: Int) throws -> [(Block, Block)] {
        let (zero, one) = try pads(count: count)
        return Array(zip(zero, one))
    }

    /// Chosen-message OT of w-bit messages (1 ≤ w ≤ 64): the receiver learns messages[j].0 or .1 by its
    /// choice. Sends 2·w bits per OT in one flight after the receiver's columns.
    public func send(messages: [(UInt64, UInt64)], bitWidth: Int) throws {
        guard (1...64).contains(bitWidth) else { throw ObliviousTransferError.invalidBitWidth(bitWidth) }
        let (zero, one) = try pads(count: messages.count)
        let mask = lowMask(bitWidth)
        var masked = [UInt64](repeating: 0, count: 2 * messages.count)
        for j in messages.indices {
            masked[2 * j] = (messages[j].0 ^ zero[j][0]) & mask
            masked[2 * j + 1] = (messages[j].1 ^ one[j][0]) & mask
        }
        try channel.send(packed: masked, bitWidth: bitWidth)
    }

    /// Correlated OT over Z_{2^ℓ} (CrypTFlow2's COT): returns random x_j; the receiver obtains
    /// x_j + r_j·c_j mod 2^ℓ. Sends ℓ bits per OT.
    public func sendCorrelated(_ correlations: [UInt64], ring: Ring) throws -> [UInt64] {
        let (zero, one) = try pads(count: correlations.count)
        var x = [UInt64](repeating: 0, count: correlations.count)
        var y = [UInt64](repeating: 0, count: correlations.count)
        for j in correlations.indices {
            x[j] = ring.reduce(zero[j][0])
            // y = x + c − H(q ⊕ Δ): the receiver with r = 1 adds it to H(t) = H(q ⊕ Δ).
            y[j] = ring.subtract(ring.add(x[j], correlations[j]), one[j][0])
        }
        try channel.send(elements: y, of: ring)
        return x
    }
}

extension IKNPReceiver {
    private func pads(choices: [Bool]) throws -> [Block] {
        var t = try extend(packedChoices: packBits(choices), count: choices.count)
        t.withUnsafeMutableBufferPointer { CorrelationRobustHash().hash($0.baseAddress!, count: choices.count, firstTweak: nextIndex) }
        nextIndex &+= UInt64(choices.count)
        return t
    }

    /// Random OT: the message the sender's `randomOT` produced at index choices[j] for each j.
    public func randomOT(choices: [Bool]) throws -> [Block] { try pads(choices: choices) }

    /// Chosen-message OT: receives messages[j].(choices[j]) of w bits each.
    public func receive(choices: [Bool], bitWidth: Int) throws -> [UInt64] {
        guard (1...64).contains(bitWidth) else { throw ObliviousTransferError.invalidBitWidth(bitWidth) }
        let pads = try pads(choices: choices)
        let masked = try channel.receivePacked(count: 2 * choices.count, bitWidth: bitWidth)
        let mask = lowMask(bitWidth)
        return choices.indices.map { j in (masked[2 * j + (choices[j] ? 1 : 0)] ^ pads[j][0]) & mask }
    }

    /// Correlated OT over Z_{2^ℓ}: returns x_j + r_j·c_j for the sender's random x_j and correlation c_j.
    public func receiveCorrelated(choices: [Bool], ring: Ring) throws -> [UInt64] {
        let pads = try pads(choices: choices)
        let y = try channel.receiveElements(count: choices.count, of: ring)
        return choices.indices.map { j in
            choices[j] ? ring.add(pads[j][0], y[j]) : ring.reduce(pads[j][0])
        }
    }
}
