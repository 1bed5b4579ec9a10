/// A point of the twisted Edwards curve edwards25519, −x² + y² = 1 + d·x²·y² over GF(2^255 − 19), in
/// extended coordinates (X : Y : Z : T) with x = X/Z, y = Y/Z, x·y = T/Z.
///
/// Matches: RFC 8032 §5.1 (curve constants, point encoding and decoding) and Hisil, Wong, Carter,
/// Dawson, "Twisted Edwards Curves Revisited", ASIACRYPT 2008 (the complete addition law for a = −1).
/// The base OT needs only addition, negation, scalar multiplication and the 32-byte encoding, so this
/// is a minimal, readable implementation — not a signature library.
public struct EdwardsPoint: Sendable {
    var x, y, z, t: Field25519

    /// d = −121665 / 121666.
    static let d: Field25519 = -(Field25519(121_665) * Field25519(121_666).inverted())
    static let d2: Field25519 = d + d
    /// √−1 = 2^((p − 1)/4).
    static let sqrtMinusOne: Field25519 = Field25519(2).power([0xFFFF_FFFF_FFFF_FFFB, .max, .max, 0x1FFF_FFFF_FFFF_FFFF])

    public static let identity = EdwardsPoint(x: .zero, y: .one, z: .one, t: .zero)

    /// The base point B: y = 4/5 and x even (RFC 8032 §5.1).
    public static let base: EdwardsPoint = {
        let y = Field25519(4) * Field25519(5).inverted()
        // y = 4/5 is on the curve, so decoding its encoding with the sign bit clear succeeds.
        guard let point = EdwardsPoint(encoded: y.encoded) else { fatalError("edwards25519 base point failed to decode") }
        return point
    }()

    init(x: Field25519, y: Field25519, z: Field25519, t: Field25519) {
        (self.x, self.y, self.z, self.t) = (x, y, z, t)
    }

    /// Decodes 32 bytes (RFC 8032 §5.1.3); nil for a non-canonical y, a y with no x on the curve, or
    /// x = 0 with the sign bit set.
    public init?(encoded bytes: [UInt8]) {
        guard bytes.count == 32 else { return nil }
        let sign = bytes[31] >> 7 == 1
        var yBytes = bytes
        yBytes[31] &= 0x7F
        let y = Field25519(bytes: yBytes)
        guard y.encoded == yBytes else { return nil }  // y ≥ p
        let y2 = y.squared()
        let u = y2 - .one
        let v = EdwardsPoint.d * y2 + .one
        let v3 = v.squared() * v
        let v7 = v3.squared() * v
        // x = u·v³·(u·v⁷)^((p − 5)/8), a square root of u/v when one exists.
        var x = u * v3 * (u * v7).power([0xFFFF_FFFF_FFFF_FFFD, .max, .max, 0x0FFF_FFFF_FFFF_FFFF])
        let check = v * x.squared()
        if check != u {
            guard check == -u else { return nil }
            x = x * EdwardsPoint.sqrtMinusOne
        }
        if x.isZero && sign { return nil }
        if x.isOdd != sign { x = -x }
        self.init(x: x, y: y, z: .one, t: x * y)
    }

    /// The 32-byte encoding: y with the low bit of x in bit 255.
    public var encoded: [UInt8] {
        let zInverse = z.inverted()
        let affineX = x * zInverse, affineY = y * zInverse
        var out = affineY.encoded
        if affineX.isOdd { out[31] |= 0x80 }
        return out
    }

    /// The complete addition law for a = −1 ("add-2008-hwcd-3"); also correct for doubling.
    public static func + (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint {
        let a = (p.y - p.x) * (q.y - q.x)
        let b = (p.y + p.x) * (q.y + q.x)
        let c = p.t * d2 * q.t
        let dd = p.z * q.z
        let d = dd + dd
        let e = b - a, f = d - c, g = d + c, h = b + a
        return EdwardsPoint(x: e * f, y: g * h, z: f * g, t: e * h)
    }

    public static prefix func - (p: EdwardsPoint) -> EdwardsPoint { EdwardsPoint(x: -p.x, y: p.y, z: p.z, t: -p.t) }

    public static func - (p: EdwardsPoint, q: EdwardsPoint) -> EdwardsPoint { p + (-q) }

    /// a if `flag` else b, without branching on `flag`.
    static func select(_ flag: Bool, _ a: EdwardsPoint, _ b: EdwardsPoint) -> EdwardsPoint {
        EdwardsPoint(x: .select(flag, a.x, b.x), y: .select(flag, a.y, b.y), z: .select(flag, a.z, b.z),
                     t: .select(flag, a.t, b.t))
    }

    /// k·P for a little-endian scalar k of up to 32 bytes (missing high bytes count as zero, bytes past
    /// 32 are ignored), by double-and-always-add over all 256 bits: the sequence of operations does not
    /// depend on k.
    public func multiplied(by scalar: [UInt8]) -> EdwardsPoint {
        var result = EdwardsPoint.identity
        for i in stride(from: 255, through: 0, by: -1) {
            result = result + result
            let bit = i / 8 < scalar.count && (scalar[i / 8] >> UInt8(i % 8)) & 1 == 1
            result = EdwardsPoint.select(bit, result + self, result)
        }
        return result
    }

    /// Whether 8·P is the identity (P lies in the small torsion subgroup).
    public var hasSmallOrder: Bool {
        let p2 = self + self, p4 = p2 + p2, p8 = p4 + p4
        return p8.x.isZero
    }
}
