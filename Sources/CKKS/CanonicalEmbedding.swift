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
    /// Twiddles of `evaluate`, stage after stage (lengths 2, 4, …, N/2), j-th of each stage:
    /// ζ^((5^j mod 4·len)·(2N / 4·len)). `interpolate` uses their conjugates in reverse stage order.
    private let twiddleReal: [Double]
    private let twiddleImaginary: [Double]

    init(polyDegree: Int) {
        slotCount = polyDegree / 2
        let m = 2 * polyDegree
        var group = [Int](repeating: 1, count: max(slotCount, 1))
        for j in 1..<max(slotCount, 1) { group[j] = (group[j - 1] * 5) % m }
        var real: [Double] = [], imaginary: [Double] = []
        var length = 2
        while length <= slotCount {
            let quarterStride = length << 2
            for j in 0..<(length >> 1) {
                let k = (group[j] % quarterStride) * (m / quarterStride)
                let angle = 2 * Double.pi * Double(k) / Double(m)
                real.append(cos(angle))
                imaginary.append(sin(angle))
            }
            length <<= 1
        }
        twiddleReal = real
        twiddleImaginary = imaginary
    }

    /// Offset of the twiddles of the stage of `length` in the flat tables.
    @inline(__always) private static func stageOffset(_ length: Int) -> Int { (length >> 1) - 1 }

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
        bitReversePermute(&values)
        twiddleReal.withUnsafeBufferPointer { wr in
            twiddleImaginary.withUnsafeBufferPointer { wi in
                values.withUnsafeMutableBufferPointer { v in
                    var length = 2
                    while length <= n {
                        let half = length >> 1
                        let offset = CanonicalEmbedding.stageOffset(length)
                        for start in stride(from: 0, to: n, by: length) {
                            for j in 0..<half {
                                let c = wr[offset + j], d = wi[offset + j]
                                let u = v[start + j]
                                let x = v[start + j + half]
                                let t = Complex(x.real * c - x.imaginary * d, x.real * d + x.imaginary * c)
                                v[start + j] = Complex(u.real + t.real, u.imaginary + t.imaginary)
                                v[start + j + half] = Complex(u.real - t.real, u.imaginary - t.imaginary)
                            }
                        }
                        length <<= 1
                    }
                }
            }
        }
    }

    /// The inverse of `evaluate`, including the 1/(N/2) normalization.
    func interpolate(_ values: inout [Complex]) {
        let n = values.count
        twiddleReal.withUnsafeBufferPointer { wr in
            twiddleImaginary.withUnsafeBufferPointer { wi in
                values.withUnsafeMutableBufferPointer { v in
                    var length = n
                    while length >= 2 {
                        let half = length >> 1
                        let offset = CanonicalEmbedding.stageOffset(length)
                        for start in stride(from: 0, to: n, by: length) {
                            for j in 0..<half {
                                // Conjugate twiddle: the inverse rotation.
                                let c = wr[offset + j], d = -wi[offset + j]
                                let a = v[start + j], b = v[start + j + half]
                                let difference = Complex(a.real - b.real, a.imaginary - b.imaginary)
                                v[start + j] = Complex(a.real + b.real, a.imaginary + b.imaginary)
                                v[start + j + half] = Complex(
                                    difference.real * c - difference.imaginary * d,
                                    difference.real * d + difference.imaginary * c)
                            }
                        }
                        length >>= 1
                    }
                }
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
