import ModularArithmetic

/// Precomputed tables for the negacyclic number-theoretic transform modulo one prime.
///
/// The forward transform maps the coefficients of a(X) ∈ Z_q[X]/(X^N + 1) to its values at the
/// odd powers of a primitive 2N-th root ψ, in bit-reversed order: output k holds a(ψ^(2·rev(k)+1)).
/// Both directions use Harvey's lazy butterflies with Shoup multiplication: intermediate values
/// stay below 4q (forward) or 2q (inverse) and are fully reduced only once, at the end.
/// The conditional subtractions are branch-free (`ConstantTime`): the transformed values are
/// often secret (a key, a decryption), and the twiddles and loop bounds are public.
public final class NTTTables: Sendable {
    /// The ring degree N.
    public let degree: Int
    public let modulus: Modulus
    /// ψ^rev(k) for k < N (Cooley–Tukey twiddles in bit-reversed order).
    let forwardRoots: [ShoupOperand]
    /// ψ^-(rev(k)) arranged for the Gentleman–Sande inverse.
    let inverseRoots: [ShoupOperand]
    /// N^-1 mod q, and N^-1 · ψ^-rev(1) for the fused last inverse stage.
    let inverseDegree: ShoupOperand
    /// The primitive 2N-th root ψ.
    public let root: UInt64

    public init(degree: Int, modulus: Modulus) throws(RingArithmeticError) {
        guard degree >= 2, degree & (degree - 1) == 0 else { throw .invalidDegree(degree) }
        guard (modulus.value - 1) % UInt64(2 * degree) == 0,
              let psi = Primes.minimalPrimitiveRoot(degree: 2 * degree, modulus: modulus),
              let psiInverse = modulus.inverse(psi),
              let nInverse = modulus.inverse(UInt64(degree))
        else { throw .notNTTFriendly(modulus: modulus.value, degree: degree) }
        self.degree = degree
        self.modulus = modulus
        self.root = psi
        let logN = degree.trailingZeroBitCount
        var forward = [ShoupOperand](repeating: ShoupOperand(value: 0, quotient: 0), count: degree)
        var inverse = forward
        var power: UInt64 = 1
        var inversePower: UInt64 = 1
        var powers = [UInt64](repeating: 0, count: degree)
        var inversePowers = [UInt64](repeating: 0, count: degree)
        for i in 0..<degree {
            powers[i] = power
            inversePowers[i] = inversePower
            power = modulus.multiply(power, psi)
            inversePower = modulus.multiply(inversePower, psiInverse)
        }
        for k in 0..<degree {
            let r = bitReverse(k, bits: logN)
            forward[k] = modulus.shoup(powers[r])
            inverse[k] = modulus.shoup(inversePowers[r])
        }
        self.forwardRoots = forward
        self.inverseRoots = inverse
        self.inverseDegree = modulus.shoup(nInverse)
    }

    /// In-place forward transform of N values in [0, 4q) (callers may skip reducing their
    /// inputs); the output is fully reduced.
    public func forward(_ a: UnsafeMutablePointer<UInt64>) {
        let q = modulus.value
        let twoQ = q &<< 1
        let n = degree
        forwardRoots.withUnsafeBufferPointer { roots in
            var t = n
            var m = 1
            while m < n / 2 {
                t >>= 1
                for i in 0..<m {
                    let w = roots[m + i].value, wq = roots[m + i].quotient
                    let x = a + 2 * i * t
                    let y = x + t
                    for j in 0..<t {
                        let u = ConstantTime.subtractIfAtLeast(x[j], twoQ)
                        let yj = y[j]
                        let v = yj &* w &- yj.multipliedFullWidth(by: wq).high &* q
                        x[j] = u &+ v
                        y[j] = u &- v &+ twoQ
                    }
                }
                m <<= 1
            }
            // The last stage pairs neighbours: one butterfly per twiddle, without the inner loop.
            var x = a
            for i in m..<(2 * m) {
                let w = roots[i].value, wq = roots[i].quotient
                let u = ConstantTime.subtractIfAtLeast(x[0], twoQ)
                let y = x[1]
                let v = y &* w &- y.multipliedFullWidth(by: wq).high &* q
                x[0] = u &+ v
                x[1] = u &- v &+ twoQ
                x += 2
            }
        }
        for j in 0..<n {
            a[j] = ConstantTime.subtractIfAtLeast(ConstantTime.subtractIfAtLeast(a[j], twoQ), q)
        }
    }

    /// In-place inverse transform of N values in [0, q) (NTT domain); the output is fully reduced.
    public func inverse(_ a: UnsafeMutablePointer<UInt64>) {
        let q = modulus.value
        let twoQ = q &<< 1
        let n = degree
        inverseRoots.withUnsafeBufferPointer { roots in
            var t = 1
            var m = n
            while m > 1 {
                let h = m >> 1
                var start = 0
                for i in 0..<h {
                    let w = roots[h + i].value, wq = roots[h + i].quotient
                    let x = a + start
                    let y = x + t
                    for j in 0..<t {
                        let u = x[j]
                        let v = y[j]
                        x[j] = ConstantTime.subtractIfAtLeast(u &+ v, twoQ)
                        let d = u &- v &+ twoQ
                        y[j] = d &* w &- d.multipliedFullWidth(by: wq).high &* q
                    }
                    start += 2 * t
                }
                t <<= 1
                m = h
            }
        }
        let scale = inverseDegree.value, scaleQuotient = inverseDegree.quotient
        for j in 0..<n {
            let x = a[j]
            a[j] = ConstantTime.subtractIfAtLeast(x &* scale &- x.multipliedFullWidth(by: scaleQuotient).high &* q, q)
        }
    }
}

/// Reverses the lowest `bits` bits of `value`.
@inlinable
public func bitReverse(_ value: Int, bits: Int) -> Int {
    guard bits > 0 else { return 0 }
    return Int(UInt(value).bitSwapped >> UInt(UInt.bitWidth - bits))
}

extension UInt {
    @usableFromInline var bitSwapped: UInt {
        var v = self
        var r: UInt = 0
        for _ in 0..<UInt.bitWidth {
            r = (r << 1) | (v & 1)
            v >>= 1
        }
        return r
    }
}
