/// Primality testing and NTT-friendly prime generation.
public enum Primes {
    /// Deterministic Miller–Rabin for every 64-bit integer (the first twelve primes are a
    /// sufficient witness set below 3.3 · 10^24).
    public static func isPrime(_ n: UInt64) -> Bool {
        if n < 2 { return false }
        let small: [UInt64] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]
        for p in small where n % p == 0 { return n == p }
        var d = n - 1
        var r = 0
        while d & 1 == 0 { d >>= 1; r += 1 }
        func mulmod(_ a: UInt64, _ b: UInt64) -> UInt64 {
            let p = a.multipliedFullWidth(by: b)
            return n.dividingFullWidth((high: p.high, low: p.low)).remainder
        }
        func powmod(_ b: UInt64, _ e: UInt64) -> UInt64 {
            var result: UInt64 = 1, base = b % n, e = e
            while e > 0 {
                if e & 1 == 1 { result = mulmod(result, base) }
                base = mulmod(base, base)
                e >>= 1
            }
            return result
        }
        witnesses: for a in small {
            var x = powmod(a, d)
            if x == 1 || x == n - 1 { continue }
            for _ in 1..<max(r, 1) {
                x = mulmod(x, x)
                if x == n - 1 { continue witnesses }
            }
            return false
        }
        return true
    }

    /// Generates primes q ≡ 1 (mod 2N) for a list of bit sizes, deterministically.
    ///
    /// As in SEAL's `CoeffModulus::Create`, for each distinct size the primes are taken in
    /// decreasing order starting just below 2^bits, so that equal sizes yield distinct primes
    /// and the same input always yields the same chain. The result follows the input's order.
    public static func nttFriendly(bitSizes: [Int], polyDegree: Int) throws(ModularArithmeticError) -> [UInt64] {
        guard polyDegree >= 2, polyDegree <= 65536, polyDegree & (polyDegree - 1) == 0 else {
            throw .invalidPolyDegree(polyDegree)
        }
        var counts: [Int: Int] = [:]
        for bits in bitSizes {
            guard bits >= 17, bits <= Modulus.maxBitWidth else { throw .unsupportedPrimeBitWidth(bits) }
            counts[bits, default: 0] += 1
        }
        let step = UInt64(2 * polyDegree)
        var pool: [Int: [UInt64]] = [:]
        for (bits, count) in counts {
            var found: [UInt64] = []
            let upper = UInt64(1) << UInt64(bits)
            let lower = UInt64(1) << UInt64(bits - 1)
            // Largest candidate ≡ 1 mod 2N below 2^bits.
            var candidate = upper - step + 1
            while found.count < count, candidate > lower {
                if isPrime(candidate) { found.append(candidate) }
                candidate -= step
            }
            guard found.count == count else {
                throw .notEnoughPrimes(bitWidth: bits, polyDegree: polyDegree, requested: count)
            }
            pool[bits] = found
        }
        var used: [Int: Int] = [:]
        return bitSizes.map { bits in
            let index = used[bits, default: 0]
            used[bits] = index + 1
            return pool[bits]![index]
        }
    }

    /// The smallest primitive 2N-th root of unity ψ modulo a prime q ≡ 1 (mod 2N): ψ^N ≡ −1.
    public static func minimalPrimitiveRoot(degree twiceN: Int, modulus: Modulus) -> UInt64? {
        let q = modulus.value
        let order = UInt64(twiceN)
        guard (q - 1) % order == 0 else { return nil }
        let cofactor = (q - 1) / order
        var generator: UInt64?
        var g: UInt64 = 2
        while g < q, generator == nil {
            let candidate = modulus.power(g, cofactor)
            if modulus.power(candidate, order / 2) == q - 1 { generator = candidate }
            g += 1
        }
        guard let root = generator else { return nil }
        // Every primitive root is root^k for odd k; pick the smallest for determinism.
        let square = modulus.multiply(root, root)
        var current = root
        var smallest = root
        for _ in 0..<(order / 2) {
            if current < smallest { smallest = current }
            current = modulus.multiply(current, square)
        }
        return smallest
    }
}
