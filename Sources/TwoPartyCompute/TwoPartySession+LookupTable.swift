import ObliviousTransfer
import SecretSharing

/// Table lookup on a shared index: shares of T[x] for x shared in Z_{2^k}.
///
/// The server, as 1-out-of-2^k OT sender, offers T[(v + x₀) mod 2^k] − r for every v; the client chooses
/// v = x₁ and receives T[x] − r; the server keeps r. Matches: SiRnn (Rathee et al., IEEE S&P 2021) §3
/// (lookup tables by 1-out-of-2^k OT) and the design's "2^k × output bits + k COTs"
/// (private-unet/DESIGN.md §3). The table is the server's: it may be public or the server's secret.
extension TwoPartySession {
    /// Shares in `outputRing` of table[x] for x = x₀ + x₁ mod 2^k given as shares in Z_{2^k}. The server
    /// passes the 2^k-entry table (entries reduced into `outputRing`); the client's `table` is ignored.
    public func lookUp(_ shares: [UInt64], indexBits k: Int, table: [UInt64], outputRing: Ring) throws -> [UInt64] {
        guard (1...12).contains(k) else {
            throw TwoPartyComputeError.invalidBitCount(name: "table index width k", value: k, allowed: 1...12)
        }
        let size = 1 << k
        let indexMask = UInt64(size - 1)
        if party == .server {
            guard table.count == size else { throw TwoPartyComputeError.tableSize(expected: size, found: table.count) }
            var messages = [UInt64](repeating: 0, count: shares.count * size)
            var masks = [UInt64](repeating: 0, count: shares.count)
            for e in shares.indices {
                let r = outputRing.random(using: &random)
                masks[e] = r
                let x0 = Int(shares[e] & indexMask)
                for v in 0..<size {
                    messages[e * size + v] = outputRing.subtract(outputRing.reduce(table[(v + x0) & (size - 1)]), r)
                }
            }
            try otSender.send(oneOutOf: messages, choiceBitCount: k, bitWidth: outputRing.bitWidth)
            return masks
        } else {
            return try otReceiver.receive(oneOutOf: shares.map { Int($0 & indexMask) }, choiceBitCount: k,
                                          bitWidth: outputRing.bitWidth)
        }
    }
}
