import OTKernels

/// An element of GF(p), p = 2^255 − 19, in five 51-bit limbs (radix 2^51, little-endian).
///
/// Limbs may exceed 51 bits between operations (up to ≈ 2^54); `*` accepts such inputs and returns limbs
/// below 2^52. Only `encoded` produces the canonical value. Written for the base OT's
/// curve arithmetic (`EdwardsPoint`), following the representation of Bernstein et al.'s Ed25519
/// papers; none of its code is copied. Operations do not branch on values.
struct Field25519: Sendable, Equatable {
    var l0, l1, l2, l3, l4: UInt64

    static let mask51: UInt64 = (1 << 51) - 1
    static let zero = Field25519(l0: 0, l1: 0, l2: 0, l3: 0, l4: 0)
    static let one = Field25519(l0: 1, l1: 0, l2: 0, l3: 0, l4: 0)

    init(l0: UInt64, l1: UInt64, l2: UInt64, l3: UInt64, l4: UInt64) {
        (self.l0, self.l1, self.l2, self.l3, self.l4) = (l0, l1, l2, l3, l4)
    }

    init(_ small: UInt64) {
        self.init(l0: small & Field25519.mask51, l1: small >> 51, l2: 0, l3: 0, l4: 0)
    }

    /// The low 255 bits of a 32-byte little-endian string (bit 255 ignored; the value may be ≥ p).
    init(bytes: [UInt8]) {
        func word(_ i: Int) -> UInt64 {
            var w: UInt64 = 0
            for k in 0..<8 { w |= UInt64(bytes[8 * i + k]) << UInt64(8 * k) }
            return w
        }
        let w0 = word(0), w1 = word(1), w2 = word(2), w3 = word(3)
        let m = Field25519.mask51
        self.init(l0: w0 & m,
                  l1: ((w0 >> 51) | (w1 << 13)) & m,
                  l2: ((w1 >> 38) | (w2 << 26)) & m,
                  l3: ((w2 >> 25) | (w3 << 39)) & m,
                  l4: (w3 >> 12) & m)
    }

    /// Carries so every limb is below 2^51 + 2^13 (the value unchanged mod p).
    func carried() -> Field25519 {
        let m = Field25519.mask51
        var r = self
        var c = r.l0 >> 51; r.l0 &= m; r.l1 &+= c
        c = r.l1 >> 51; r.l1 &= m; r.l2 &+= c
        c = r.l2 >> 51; r.l2 &= m; r.l3 &+= c
        c = r.l3 >> 51; r.l3 &= m; r.l4 &+= c
        c = r.l4 >> 51; r.l4 &= m; r.l0 &+= c &* 19
        return r
    }

    static func + (a: Field25519, b: Field25519) -> Field25519 {
        Field25519(l0: a.l0 &+ b.l0, l1: a.l1 &+ b.l1, l2: a.l2 &+ b.l2, l3: a.l3 &+ b.l3, l4: a.l4 &+ b.l4).carried()
    }

    /// a − b computed as a + 4p − b, so no limb underflows for inputs below 2^53.
    static func - (a: Field25519, b: Field25519) -> Field25519 {
        let fourP0: UInt64 = 4 * ((1 << 51) - 19), fourP: UInt64 = 4 * ((1 << 51) - 1)
        return Field25519(l0: a.l0 &+ fourP0 &- b.l0, l1: a.l1 &+ fourP &- b.l1, l2: a.l2 &+ fourP &- b.l2,
                          l3: a.l3 &+ fourP &- b.l3, l4: a.l4 &+ fourP &- b.l4).carried()
    }

    static prefix func - (a: Field25519) -> Field25519 { zero - a }

    /// The product, by the C kernel (`hediff_fe25519_mul`, same radix-2^51 schoolbook with the ×19 wrap).
    static func * (a: Field25519, b: Field25519) -> Field25519 {
        var x = (a.l0, a.l1, a.l2, a.l3, a.l4), y = (b.l0, b.l1, b.l2, b.l3, b.l4)
        var r: (UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0)
        withUnsafeMutablePointer(to: &r) { pr in
            withUnsafePointer(to: &x) { px in
                withUnsafePointer(to: &y) { py in
                    // Homogeneous tuples are laid out contiguously, like a C array.
                    hediff_fe25519_mul(UnsafeMutableRawPointer(pr).assumingMemoryBound(to: UInt64.self),
                                       UnsafeRawPointer(px).assumingMemoryBound(to: UInt64.self),
                                       UnsafeRawPointer(py).assumingMemoryBound(to: UInt64.self))
                }
            }
        }
        return Field25519(l0: r.0, l1: r.1, l2: r.2, l3: r.3, l4: r.4)
    }

    func squared() -> Field25519 { self * self }

    /// self^e for an exponent given as four little-endian 64-bit words (public exponents only).
    func power(_ e: [UInt64]) -> Field25519 {
        var result = Field25519.one
        for word in e.reversed() {
            for bit in stride(from: 63, through: 0, by: -1) {
                result = result.squared()
                if (word >> UInt64(bit)) & 1 == 1 { result = result * self }
            }
        }
        return result
    }

    /// self^(p − 2) = self^−1 (0 for 0).
    func inverted() -> Field25519 {
        power([0xFFFF_FFFF_FFFF_FFEB, .max, .max, 0x7FFF_FFFF_FFFF_FFFF])
    }

    /// The canonical value in 32 little-endian bytes (bit 255 clear).
    var encoded: [UInt8] {
        var r = carried().carried()
        // q = 1 exactly when r ≥ p: adding 19 then carries out of bit 255.
        var q = (r.l0 &+ 19) >> 51
        q = (r.l1 &+ q) >> 51
        q = (r.l2 &+ q) >> 51
        q = (r.l3 &+ q) >> 51
        q = (r.l4 &+ q) >> 51
        r.l0 &+= 19 &* q
        let m = Field25519.mask51
        r.l1 &+= r.l0 >> 51; r.l0 &= m
        r.l2 &+= r.l1 >> 51; r.l1 &= m
        r.l3 &+= r.l2 >> 51; r.l2 &= m
        r.l4 &+= r.l3 >> 51; r.l3 &= m
        r.l4 &= m
        let words: [UInt64] = [r.l0 | (r.l1 << 51), (r.l1 >> 13) | (r.l2 << 38), (r.l2 >> 26) | (r.l3 << 25),
                               (r.l3 >> 39) | (r.l4 << 12)]
        var out = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 { out[i] = UInt8(truncatingIfNeeded: words[i / 8] >> UInt64(8 * (i % 8))) }
        return out
    }

    var isZero: Bool { encoded.allSatisfy { $0 == 0 } }

    /// The low bit of the canonical value ("negative" in RFC 8032's sense).
    var isOdd: Bool { encoded[0] & 1 == 1 }

    static func == (a: Field25519, b: Field25519) -> Bool { a.encoded == b.encoded }

    /// a if `flag` else b, without branching on `flag`.
    static func select(_ flag: Bool, _ a: Field25519, _ b: Field25519) -> Field25519 {
        let m = 0 &- UInt64(flag ? 1 : 0)
        return Field25519(l0: (a.l0 & m) | (b.l0 & ~m), l1: (a.l1 & m) | (b.l1 & ~m), l2: (a.l2 & m) | (b.l2 & ~m),
                          l3: (a.l3 & m) | (b.l3 & ~m), l4: (a.l4 & m) | (b.l4 & ~m))
    }
}
