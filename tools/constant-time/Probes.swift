// Out-of-line wrappers around Modulus's residue helpers and the secret-key embedding, compiled
// together with Sources/ModularArithmetic by check-asm.sh so that the generated code of each
// helper can be inspected on its own (in the library they are inlined into their callers).

@inline(never) public func probeReduce(_ q: Modulus, _ x: UInt64) -> UInt64 { q.reduce(x) }
@inline(never) public func probeReduceWide(_ q: Modulus, _ high: UInt64, _ low: UInt64) -> UInt64 { q.reduce(high: high, low: low) }
@inline(never) public func probeMultiply(_ q: Modulus, _ a: UInt64, _ b: UInt64) -> UInt64 { q.multiply(a, b) }
@inline(never) public func probeMultiplyShoup(_ q: Modulus, _ x: UInt64, _ w: ShoupOperand) -> UInt64 { q.multiply(x, by: w) }
@inline(never) public func probeAdd(_ q: Modulus, _ a: UInt64, _ b: UInt64) -> UInt64 { q.add(a, b) }
@inline(never) public func probeSubtract(_ q: Modulus, _ a: UInt64, _ b: UInt64) -> UInt64 { q.subtract(a, b) }
@inline(never) public func probeNegate(_ q: Modulus, _ a: UInt64) -> UInt64 { q.negate(a) }
@inline(never) public func probeReduceSigned(_ q: Modulus, _ x: Int64) -> UInt64 { q.reduce(signed: x) }
@inline(never) public func probeCentered(_ q: Modulus, _ a: UInt64) -> Int64 { q.centered(a) }

/// Sampling.embed's inner expression: c + q under the sign mask of c.
@inline(never) public func probeEmbed(_ q: Modulus, _ c: Int8) -> UInt64 {
    let wide = Int64(c)
    return UInt64(bitPattern: wide) &+ (q.value & UInt64(bitPattern: wide &>> 63))
}

/// Decryption's inner loop (RNSPolynomial.multiplyAdd with Shoup quotients): out += a·s mod q.
@inline(never) public func probeMultiplyAddLoop(
    _ q: Modulus, _ out: UnsafeMutablePointer<UInt64>, _ a: UnsafePointer<UInt64>,
    _ s: UnsafePointer<UInt64>, _ quotients: UnsafePointer<UInt64>, _ n: Int
) {
    for j in 0..<n { out[j] = q.add(out[j], q.multiply(a[j], by: ShoupOperand(value: s[j], quotient: quotients[j]))) }
}
