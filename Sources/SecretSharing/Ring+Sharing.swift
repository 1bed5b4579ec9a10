/// Additive secret sharing over Z_{2^ℓ}: x = x₀ + x₁ mod 2^ℓ with x₀ uniform, so each share alone is
/// uniform and independent of x.
extension Ring {
    /// Splits `value` into two shares; the first is drawn from `generator` (use an OS-seeded
    /// generator such as `SecureRandom.generator()` outside tests).
    public func share<G: RandomNumberGenerator>(_ value: UInt64, using generator: inout G) -> (UInt64, UInt64) {
        let first = random(using: &generator)
        return (first, subtract(value, first))
    }

    /// Splits every value into two share vectors.
    public func share<G: RandomNumberGenerator>(_ values: [UInt64], using generator: inout G) -> ([UInt64], [UInt64]) {
        var first = [UInt64](repeating: 0, count: values.count)
        var second = [UInt64](repeating: 0, count: values.count)
        for i in values.indices {
            (first[i], second[i]) = share(values[i], using: &generator)
        }
        return (first, second)
    }

    /// x₀ + x₁ mod 2^ℓ.
    public func reconstruct(_ first: UInt64, _ second: UInt64) -> UInt64 { add(first, second) }

    /// Element-wise reconstruction; both vectors must have the same length.
    public func reconstruct(_ first: [UInt64], _ second: [UInt64]) throws -> [UInt64] {
        guard first.count == second.count else {
            throw SecretSharingError.lengthMismatch(expected: first.count, found: second.count)
        }
        return zip(first, second).map { add($0, $1) }
    }
}
