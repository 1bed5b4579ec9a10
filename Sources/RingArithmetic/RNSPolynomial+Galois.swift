// Galois automorphisms X ↦ X^g (g odd, below 2N), in either form: a signed permutation of the
// coefficients, or a permutation of the evaluation points.

extension RNSPolynomial where Form == Coefficient {
    /// The image of the polynomial under X ↦ X^g: X^i maps to ±X^(i·g mod N).
    public func applyingGalois(element g: Int) -> RNSPolynomial {
        let n = degree
        let twoN = 2 * n
        precondition(g & 1 == 1 && g > 0 && g < twoN, "Galois element must be odd and below 2N")
        var out = RNSPolynomial(basis: basis)
        let moduli = basis.moduli
        data.withUnsafeBufferPointer { src in
            out.data.withUnsafeMutableBufferPointer { dst in
                for (i, q) in moduli.enumerated() {
                    let offset = i * n
                    for k in 0..<n {
                        let target = (k * g) % twoN
                        if target < n {
                            dst[offset + target] = src[offset + k]
                        } else {
                            dst[offset + target - n] = q.negate(src[offset + k])
                        }
                    }
                }
            }
        }
        return out
    }
}

extension RNSPolynomial where Form == Evaluation {
    /// The image of the polynomial under X ↦ X^g, which permutes the evaluation points.
    ///
    /// `permutation` may pass `galoisPermutation(element: g, degree: N)` computed in advance;
    /// otherwise it is computed on every call.
    public func applyingGalois(element g: Int, permutation precomputed: [UInt32]? = nil) -> RNSPolynomial {
        let n = degree
        precondition(g & 1 == 1 && g > 0 && g < 2 * n, "Galois element must be odd and below 2N")
        let permutation = precomputed ?? RNSPolynomial.galoisPermutation(element: g, degree: n)
        precondition(permutation.count == n, "permutation does not match the ring degree")
        var out = RNSPolynomial(basis: basis)
        permutation.withUnsafeBufferPointer { perm in
            data.withUnsafeBufferPointer { src in
                out.data.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<limbCount {
                        let offset = i * n
                        for k in 0..<n { dst[offset + k] = src[offset + Int(perm[k])] }
                    }
                }
            }
        }
        return out
    }

    /// The evaluation-point permutation of X ↦ X^g: output slot k takes input slot perm[k].
    ///
    /// Slot k holds the value at ψ^(2·rev(k)+1); the automorphism's output there is the input's
    /// value at ψ^(g·(2·rev(k)+1)), which sits in the slot whose exponent is that odd number.
    public static func galoisPermutation(element g: Int, degree n: Int) -> [UInt32] {
        let logN = n.trailingZeroBitCount
        let mask = 2 * n - 1
        var perm = [UInt32](repeating: 0, count: n)
        for k in 0..<n {
            let exponent = (2 * bitReverse(k, bits: logN) + 1)
            let mapped = (exponent * g) & mask
            perm[k] = UInt32(bitReverse((mapped - 1) >> 1, bits: logN))
        }
        return perm
    }
}
