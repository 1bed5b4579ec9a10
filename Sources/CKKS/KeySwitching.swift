import ModularArithmetic
import RingArithmetic

extension Evaluator {
    /// Hybrid key switching: for c at level ℓ returns (d_0, d_1) at level ℓ with
    /// d_0 + d_1·s ≈ c·s′, where `key` switches s′ to s.
    ///
    /// c is split into its RNS digits [c]_{q_j}; each digit (centered) is lifted to every prime of
    /// q_0 … q_ℓ, P (a small integer below q_j, reduced and transformed), multiplied by the key's
    /// j-th component and accumulated; the sum, which carries the factor P, is divided by P with
    /// rounding, which also divides the key error by P. Primes are processed in parallel.
    func switchKey(_ c: RNSPolynomial<Evaluation>, key: KeySwitchingKey) -> (RNSPolynomial<Evaluation>, RNSPolynomial<Evaluation>) {
        let level = c.limbCount - 1
        let n = context.parameters.polyDegree
        let keyLimbs = Array(0...level) + [context.keyBasis.count - 1]
        let extended = context.basis(atLevel: level).appending(RNSBasis(tables: [context.keyBasis.tables.last!]))
        let coefficients = c.inverseNTT()
        var d0 = RNSPolynomial<Evaluation>(basis: extended)
        var d1 = RNSPolynomial<Evaluation>(basis: extended)
        let targetTables = extended.tables
        let keyB = key.b
        let keyA = key.a
        coefficients.data.withUnsafeBufferPointer { coefficientBuffer in
            c.data.withUnsafeBufferPointer { nttBuffer in
                let coefficientAddress = UInt(bitPattern: coefficientBuffer.baseAddress!)
                let nttAddress = UInt(bitPattern: nttBuffer.baseAddress!)
                d0.withResidues { p0 in
                    d1.withResidues { p1 in
                        let a0 = UInt(bitPattern: p0), a1 = UInt(bitPattern: p1)
                        Parallel.forEach(level + 2) { t in
                            let tables = targetTables[t]
                            let q = tables.modulus
                            let out0 = UnsafeMutablePointer<UInt64>(bitPattern: a0)! + t * n
                            let out1 = UnsafeMutablePointer<UInt64>(bitPattern: a1)! + t * n
                            let digits = UnsafePointer<UInt64>(bitPattern: coefficientAddress)!
                            let ntt = UnsafePointer<UInt64>(bitPattern: nttAddress)!
                            let scratch = UnsafeMutablePointer<UInt64>.allocate(capacity: n)
                            // Lazy accumulation: ≤ 64 products of residues below 2^61 fit in 128 bits,
                            // so each output is reduced once instead of once per digit.
                            let accumulators = UnsafeMutablePointer<UInt64>.allocate(capacity: 4 * n)
                            accumulators.initialize(repeating: 0, count: 4 * n)
                            defer {
                                scratch.deallocate()
                                accumulators.deallocate()
                            }
                            let low0 = accumulators, high0 = accumulators + n
                            let low1 = accumulators + 2 * n, high1 = accumulators + 3 * n
                            let keyLimb = keyLimbs[t]
                            for j in 0...level {
                                let digit: UnsafePointer<UInt64>
                                if j == t {
                                    digit = ntt + j * n
                                } else {
                                    // Centered digits: the mean of [0, q_j) representatives would put the
                                    // error's energy into a few slots (the spectrum of 1 + X + … + X^(N−1)).
                                    let source = digits + j * n
                                    let qj = targetTables[j].modulus.value
                                    let half = qj >> 1
                                    // Branch-free on the digit (ConstantTime): v > q_j/2 selects
                                    // by a mask, both candidates computed; −(q_j − v) is taken as
                                    // q − ((q_j − v) mod q), in (0, q], which the NTT accepts.
                                    if qj < 4 * q.value {
                                        // Lazy: v or v − q_j + 2q, both below 4q (the NTT's input bound).
                                        let offset = 2 * q.value &- qj
                                        for k in 0..<n {
                                            let v = source[k]
                                            scratch[k] = v &+ (offset & ConstantTime.signMask(half &- v))
                                        }
                                    } else {
                                        for k in 0..<n {
                                            let v = source[k]
                                            let mask = ConstantTime.signMask(half &- v)
                                            let positive = q.reduce(v), negative = q.value &- q.reduce(qj &- v)
                                            scratch[k] = positive ^ ((positive ^ negative) & mask)
                                        }
                                    }
                                    tables.forward(scratch)
                                    digit = UnsafePointer(scratch)
                                }
                                keyB[j].data.withUnsafeBufferPointer { kb in
                                    keyA[j].data.withUnsafeBufferPointer { ka in
                                        let b = kb.baseAddress! + keyLimb * n
                                        let a = ka.baseAddress! + keyLimb * n
                                        for k in 0..<n {
                                            let x = digit[k]
                                            let pb = x.multipliedFullWidth(by: b[k])
                                            let (l0, c0) = low0[k].addingReportingOverflow(pb.low)
                                            low0[k] = l0
                                            high0[k] &+= pb.high &+ (c0 ? 1 : 0)
                                            let pa = x.multipliedFullWidth(by: a[k])
                                            let (l1, c1) = low1[k].addingReportingOverflow(pa.low)
                                            low1[k] = l1
                                            high1[k] &+= pa.high &+ (c1 ? 1 : 0)
                                        }
                                    }
                                }
                            }
                            for k in 0..<n {
                                out0[k] = q.reduce(high: q.reduce(high0[k]), low: low0[k])
                                out1[k] = q.reduce(high: q.reduce(high1[k]), low: low1[k])
                            }
                        }
                    }
                }
            }
        }
        d0.divideAndRoundByLastPrime()
        d1.divideAndRoundByLastPrime()
        return (d0, d1)
    }

    /// The standard deviation of the error key switching adds at `level`.
    func keySwitchingNoise(level: Int) -> Double {
        let n = Double(context.parameters.polyDegree)
        let p = Double(context.parameters.specialModulus)
        let qMax = context.parameters.dataModuli.prefix(level + 1).map(Double.init).max() ?? 0
        let digitTerm = Double(level + 1) * (qMax * qMax / 12) * n * Encryptor.errorDeviation * Encryptor.errorDeviation / (p * p)
        return (digitTerm + Evaluator.roundingVariance(n)).squareRoot()
    }

    /// Variance of the rounding error r_0 + r_1·s of a division with rounding (s ternary).
    static func roundingVariance(_ n: Double) -> Double { (1 + n * 2 / 3) / 12 }
}
