/// SIMD building blocks for the elementwise kernels: 16 lanes, written with operations that the
/// compiler lowers to vector instructions (notably `replacing(with:where:)` instead of
/// `pointwiseMin`, which it scalarizes).
typealias FloatVector = SIMD16<Float>

enum VectorMath {
    /// Lanes per vector.
    static let width = FloatVector.scalarCount

    /// 0, 1, …, 15: compared against a count to mask off the lanes past the end of a row.
    static let laneIndices = SIMD16<Int32>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)

    /// Lane-wise maximum.
    @inline(__always)
    static func maximum(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        a.replacing(with: b, where: a .< b)
    }

    /// Lane-wise minimum.
    @inline(__always)
    static func minimum(_ a: FloatVector, _ b: FloatVector) -> FloatVector {
        a.replacing(with: b, where: b .< a)
    }

    /// e^x with relative error below 3e-7 for x in [-87.33, 88]; results below the smallest normal
    /// float (x < -87.33, including -∞) are flushed to zero, x in (88, 88.72] gives e^88 and beyond
    /// that (the float overflow) +∞, so that 1 / (1 + e^x) reaches 0 as it should.
    @inline(__always)
    static func exp(_ x: FloatVector) -> FloatVector {
        boundedExp(minimum(x, FloatVector(repeating: 88)))
            .replacing(with: .infinity, where: x .> FloatVector(repeating: 88.72))
    }

    /// e^x for x ≤ 88 (as in softmax, where x ≤ 0), without `exp`'s overflow handling; below
    /// -87.33 (and for -∞) the result is 0.
    ///
    /// Range reduction x = k·ln2 + r with |r| ≤ ln2/2, a degree-6 Taylor polynomial for e^r
    /// (truncation error r⁷/7! < 1.2e-7), and 2^k built directly in the exponent bits.
    @inline(__always)
    static func boundedExp(_ x: FloatVector) -> FloatVector {
        let roundingMagic = FloatVector(repeating: 12_582_912)  // 1.5·2^23: adding it rounds to an integer.
        let lowest = FloatVector(repeating: -87.33)  // Just above ln(2^-126), the smallest normal.
        let clamped = maximum(x, lowest)
        let shifted = clamped * FloatVector(repeating: 1.442_695_04) + roundingMagic
        let k = shifted - roundingMagic
        let r = clamped - k * FloatVector(repeating: 0.693_145_751_953_125)
            - k * FloatVector(repeating: 1.428_606_765_330_187e-6)
        var p = FloatVector(repeating: 1.0 / 720)
        p = p * r + FloatVector(repeating: 1.0 / 120)
        p = p * r + FloatVector(repeating: 1.0 / 24)
        p = p * r + FloatVector(repeating: 1.0 / 6)
        p = p * r + FloatVector(repeating: 0.5)
        p = p * r + FloatVector(repeating: 1)
        p = p * r + FloatVector(repeating: 1)
        let exponent = unsafeBitCast(shifted, to: SIMD16<Int32>.self)
            &- unsafeBitCast(roundingMagic, to: SIMD16<Int32>.self)
        let twoToK = unsafeBitCast((exponent &<< 23) &+ 0x3F80_0000, to: FloatVector.self)
        return (p * twoToK).replacing(with: 0, where: x .< lowest)
    }

    /// The logistic function 1 / (1 + e^-x).
    @inline(__always)
    static func sigmoid(_ x: FloatVector) -> FloatVector {
        1 / (1 + exp(-x))
    }

    /// erf(x), absolute error below 2e-7 (Abramowitz & Stegun 7.1.26, odd extension).
    @inline(__always)
    static func erf(_ x: FloatVector) -> FloatVector {
        let negative = x .< 0
        let a = x.replacing(with: -x, where: negative)
        let t = 1 / (1 + FloatVector(repeating: 0.327_591_1) * a)
        var p = FloatVector(repeating: 1.061_405_429)
        p = p * t + FloatVector(repeating: -1.453_152_027)
        p = p * t + FloatVector(repeating: 1.421_413_741)
        p = p * t + FloatVector(repeating: -0.284_496_736)
        p = p * t + FloatVector(repeating: 0.254_829_592)
        let y = 1 - p * t * exp(-a * a)
        return y.replacing(with: -y, where: negative)
    }

    /// Loads 16 floats from an address with no alignment requirement.
    @inline(__always)
    static func load(_ pointer: UnsafePointer<Float>) -> FloatVector {
        load(pointer, as: FloatVector.self)
    }

    /// Loads a vector of any width from an address with no alignment requirement.
    @inline(__always)
    static func load<Vector: SIMD>(_ pointer: UnsafePointer<Float>, as type: Vector.Type) -> Vector
    where Vector.Scalar == Float {
        UnsafeRawPointer(pointer).loadUnaligned(as: Vector.self)
    }

    /// Stores a vector of any width to an address with no alignment requirement.
    @inline(__always)
    static func store<Vector: SIMD>(_ value: Vector, to pointer: UnsafeMutablePointer<Float>) where Vector.Scalar == Float {
        UnsafeMutableRawPointer(pointer).storeBytes(of: value, as: Vector.self)
    }

    /// Loads the first `count` (< 16) floats, padding the other lanes with `padding`.
    @inline(__always)
    static func loadPartial(_ pointer: UnsafePointer<Float>, count: Int, padding: Float = 0) -> FloatVector {
        var v = FloatVector(repeating: padding)
        for i in 0..<count { v[i] = pointer[i] }
        return v
    }

    /// Stores the first `count` (< 16) lanes.
    @inline(__always)
    static func storePartial(_ value: FloatVector, to pointer: UnsafeMutablePointer<Float>, count: Int) {
        for i in 0..<count { pointer[i] = value[i] }
    }

    /// Writes `transform(source[i])` to `destination[i]` for `i < count`, 16 lanes at a time.
    /// `source` and `destination` may be the same buffer.
    @inline(__always)
    static func map(
        _ source: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>, count: Int,
        _ transform: (FloatVector) -> FloatVector
    ) {
        var i = 0
        while i + width <= count {
            store(transform(load(source + i)), to: destination + i)
            i += width
        }
        if i < count {
            storePartial(transform(loadPartial(source + i, count: count - i)), to: destination + i, count: count - i)
        }
    }

    /// Writes `combine(a[i], b[i])` to `destination[i]` for `i < count`; any of the buffers may alias.
    @inline(__always)
    static func zip(
        _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ destination: UnsafeMutablePointer<Float>,
        count: Int, _ combine: (FloatVector, FloatVector) -> FloatVector
    ) {
        var i = 0
        while i + width <= count {
            store(combine(load(a + i), load(b + i)), to: destination + i)
            i += width
        }
        if i < count {
            let n = count - i
            storePartial(combine(loadPartial(a + i, count: n), loadPartial(b + i, count: n)), to: destination + i, count: n)
        }
    }

    /// Sum of `count` floats, accumulated in 16 float lanes and finished in double precision.
    @inline(__always)
    static func sum(_ pointer: UnsafePointer<Float>, count: Int) -> Double {
        var acc = FloatVector()
        var i = 0
        while i + width <= count {
            acc += load(pointer + i)
            i += width
        }
        var total = 0.0
        for lane in 0..<width { total += Double(acc[lane]) }
        while i < count {
            total += Double(pointer[i])
            i += 1
        }
        return total
    }

    /// Sum of (x - mean)² over `count` floats.
    @inline(__always)
    static func sumOfSquaredDeviations(_ pointer: UnsafePointer<Float>, count: Int, mean: Float) -> Double {
        var acc = FloatVector()
        let m = FloatVector(repeating: mean)
        var i = 0
        while i + width <= count {
            let d = load(pointer + i) - m
            acc += d * d
            i += width
        }
        var total = 0.0
        for lane in 0..<width { total += Double(acc[lane]) }
        while i < count {
            let d = Double(pointer[i] - mean)
            total += d * d
            i += 1
        }
        return total
    }

    /// Largest of `count` (> 0) floats.
    @inline(__always)
    static func max(_ pointer: UnsafePointer<Float>, count: Int) -> Float {
        var acc = FloatVector(repeating: -.infinity)
        var i = 0
        while i + width <= count {
            acc = maximum(acc, load(pointer + i))
            i += width
        }
        var result = -Float.infinity
        for lane in 0..<width where acc[lane] > result { result = acc[lane] }
        while i < count {
            if pointer[i] > result { result = pointer[i] }
            i += 1
        }
        return result
    }
}
