import Foundation

/// A complex number, the value type of CKKS slots.
public struct Complex: Sendable, Hashable, CustomStringConvertible {
    public var real: Double
    public var imaginary: Double

    public init(_ real: Double, _ imaginary: Double = 0) {
        self.real = real
        self.imaginary = imaginary
    }

    public var magnitude: Double { (real * real + imaginary * imaginary).squareRoot() }
    public var description: String { "\(real)\(imaginary < 0 ? "-" : "+")\(abs(imaginary))i" }

    @inlinable public static func + (a: Complex, b: Complex) -> Complex { Complex(a.real + b.real, a.imaginary + b.imaginary) }
    @inlinable public static func - (a: Complex, b: Complex) -> Complex { Complex(a.real - b.real, a.imaginary - b.imaginary) }
    @inlinable public static func * (a: Complex, b: Complex) -> Complex {
        Complex(a.real * b.real - a.imaginary * b.imaginary, a.real * b.imaginary + a.imaginary * b.real)
    }
}

/// The CKKS canonical embedding restricted to the N/2 slots: slot j of a real polynomial m is
/// m(ζ^(5^j)) with ζ = e^(iπ/N). Both directions are O(N log N) "special FFTs" that follow the
/// rotation group ⟨5⟩ mod 2N, so that slot rotation is the automorphism X ↦ X^5.
struct CanonicalEmbedding: Sendable {
    let slotCount: Int
    /// 5^j mod 2N for j < N/2.
    let rotationGroup: [Int]
    /// ζ^k = e^(2πik/2N) for k ≤ 2N.
    let roots: [Complex]

    init(polyDegree: Int) {
        slotCount = polyDegree / 2
        let m = 2 * polyDegree
        var group = [Int](repeating: 1, count: slotCount)
        for j in 1..<max(slotCount, 1) { group[j] = (group[j - 1] * 5) % m }
        rotationGroup = group
        roots = (0...m).map { k in
            let angle = 2 * Double.pi * Double(k) / Double(m)
            return Complex(cos(angle), sin(angle))
        }
    }

    private func bitReversePermute(_ values: inout [Complex]) {
        let n = values.count
        var j = 0
        for i in 1..<n {
            var bit = n >> 1
            while j & bit != 0 { j ^= bit; bit >>= 1 }
            j ^= bit
            if i < j { values.swapAt(i, j) }
        }
    }

    /// Slot values from the N/2 complex numbers (m_i + i·m_{i+N/2}): evaluates at ζ^(5^j).
    func evaluate(_ values: inout [Complex]) {
        let n = values.count
        let m = roots.count - 1
        bitReversePermute(&values)
        values.withUnsafeMutableBufferPointer { v in
            var length = 2
            while length <= n {
                let half = length >> 1
                let quarterStride = length << 2
                for start in stride(from: 0, to: n, by: length) {
                    for j in 0..<half {
                        let index = (rotationGroup[j] % quarterStride) * (m / quarterStride)
                        let u = v[start + j]
                        let t = v[start + j + half] * roots[index]
                        v[start + j] = u + t
                        v[start + j + half] = u - t
                    }
                }
                length <<= 1
            }
        }
    }

    /// The inverse of `evaluate`, including the 1/(N/2) normalization.
    func interpolate(_ values: inout [Complex]) {
        let n = values.count
        let m = roots.count - 1
        values.withUnsafeMutableBufferPointer { v in
            var length = n
            while length >= 2 {
                let half = length >> 1
                let quarterStride = length << 2
                for start in stride(from: 0, to: n, by: length) {
                    for j in 0..<half {
                        let index = (quarterStride - rotationGroup[j] % quarterStride) * (m / quarterStride)
                        let u = v[start + j] + v[start + j + half]
                        let t = (v[start + j] - v[start + j + half]) * roots[index]
                        v[start + j] = u
                        v[start + j + half] = t
                    }
                }
                length >>= 1
            }
        }
        bitReversePermute(&values)
        let inverse = 1 / Double(n)
        for i in 0..<n {
            values[i].real *= inverse
            values[i].imaginary *= inverse
        }
    }
}
