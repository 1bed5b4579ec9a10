import SecretSharing

/// Comparisons of shared values with each other or with public thresholds, and ReLU, built from the
/// MSB protocol and the multiplexer (CrypTFlow2, CCS 2020, §4: comparison as DReLU of a difference;
/// ReLU(x) = DReLU(x)·x). Valid while the difference stays in the signed range: |x − y| < 2^(ℓ−1).
extension TwoPartySession {
    /// XOR shares of 1{x < y} (signed) for shared x and y.
    public func lessThan(_ x: [UInt64], _ y: [UInt64]) throws -> [UInt8] {
        try checkLength(x.count, y.count)
        return try mostSignificantBit(zip(x, y).map { ring.subtract($0, $1) })
    }

    /// XOR shares of 1{x < t} (signed) for shared x and a public threshold t; the server subtracts t
    /// from its share.
    public func lessThan(_ x: [UInt64], publicThreshold t: Int64) throws -> [UInt8] {
        let shifted = party == .server ? x.map { ring.subtract($0, ring.element(t)) } : x
        return try mostSignificantBit(shifted)
    }

    /// Shares of ReLU(x) = max(x, 0) (signed).
    public func relu(_ x: [UInt64]) throws -> [UInt64] {
        try select(try nonNegative(x), x)
    }
}
