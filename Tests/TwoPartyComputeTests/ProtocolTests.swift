import ObliviousTransfer
import SecretSharing
import TwoPartyCompute
import XCTest
import _TestSupport

/// Every protocol against its plaintext function (plain integer arithmetic on the reconstructed
/// inputs), on seeded random inputs plus the edges, with bytes and flights checked against each
/// protocol's cost formula.
final class ProtocolTests: XCTestCase {
    private func bits(_ n: Int, _ generator: inout SeededGenerator) -> [UInt8] {
        (0..<n).map { _ in UInt8(generator.next() & 1) }
    }

    /// Edge elements of Z_{2^ℓ}: 0, ±1, ±2, the signed extremes and their neighbours, and neighbours of
    /// ±2^k for a few k.
    private func edges(_ ring: Ring) -> [UInt64] {
        let minimum = ring.minimumSigned
        var values: [UInt64] = [0, 1, ring.element(-1), 2, ring.element(-2), minimum, ring.add(minimum, 1),
                                ring.subtract(minimum, 1), ring.subtract(minimum, 2)]
        for k in [12, 13, ring.bitWidth - 3, ring.bitWidth - 2] where k > 0 && k < ring.bitWidth - 1 {
            let p = Int64(1) << Int64(k)
            values += [p, p - 1, -p, -p + 1].map { ring.element($0) }
        }
        return values
    }

    func testBooleanAND() throws {
        var g = SeededGenerator(seed: 100)
        let n = 5000
        let x = bits(n, &g), y = bits(n, &g), xs = bits(n, &g), ys = bits(n, &g)
        let run = try runProtocol { s in
            s.party == .server ? try s.and(xs, ys) : try s.and(zip(x, xs).map { $0 ^ $1 }, zip(y, ys).map { $0 ^ $1 })
        }
        for i in 0..<n { XCTAssertEqual(run.server[i] ^ run.client[i], x[i] & y[i]) }
        // One random OT each way per triple, then 2 bits per AND each way.
        XCTAssertEqual(run.serverTraffic.bytesSent, iknpColumnBytes(n) + packedBytes(2 * n, bits: 1))
        XCTAssertEqual(run.clientTraffic.bytesSent, iknpColumnBytes(n) + packedBytes(2 * n, bits: 1))
    }

    func testMillionaire() throws {
        var g = SeededGenerator(seed: 101)
        for width in [1, 3, 4, 5, 12, 17, 36, 64] {
            let mask: UInt64 = width == 64 ? .max : (1 << UInt64(width)) - 1
            var x = (0..<2000).map { _ in g.next() & mask }, y = (0..<2000).map { _ in g.next() & mask }
            // Edges: equal values, neighbours, extremes.
            x += [0, 0, mask, mask, 5 & mask, mask, 0]
            y += [0, mask, mask, 0, 5 & mask, mask - 1 & mask, 1 & mask]
            let (xi, yi) = (x, y)
            let run = try runProtocol { s in try s.lessThan(s.party == .server ? xi : yi, bitCount: width) }
            for i in x.indices {
                XCTAssertEqual(run.server[i] ^ run.client[i], x[i] < y[i] ? 1 : 0, "width \(width): \(x[i]) < \(y[i])")
            }
            let cost = millionaireCost(n: x.count, bits: width)
            XCTAssertEqual(run.serverTraffic.bytesSent, cost.serverBytes, "width \(width)")
            XCTAssertEqual(run.clientTraffic.bytesSent, cost.clientBytes, "width \(width)")
            XCTAssertEqual(run.serverTraffic.flightsSent, cost.serverFlights, "width \(width)")
            XCTAssertEqual(run.clientTraffic.flightsSent, cost.clientFlights, "width \(width)")
        }
        XCTAssertThrowsError(try runProtocol { s in try s.lessThan([8], bitCount: 3) })
    }

    func testMostSignificantBitAndDReLU() throws {
        var g = SeededGenerator(seed: 102)
        for ring in [Ring.z37, try Ring(bitWidth: 16), try Ring(bitWidth: 64)] {
            var values = edges(ring)
            values += (0..<3000).map { _ in ring.random(using: &g) }
            // Random shares, plus shares at the extremes (x₀ = 0, x₀ = −1, x₀ = 2^(ℓ−1)).
            var first = values.map { _ in ring.random(using: &g) }
            for i in 0..<min(30, values.count) { first[i] = [0, ring.mask, ring.minimumSigned][i % 3] }
            let second = zip(values, first).map { ring.subtract($0, $1) }
            let (a, b) = (first, second)
            let run = try runProtocol(ring: ring) { s in
                let shares = s.party == .server ? a : b
                return [try s.mostSignificantBit(shares), try s.nonNegative(shares)]
            }
            for i in values.indices {
                let negative: UInt8 = ring.signedValue(values[i]) < 0 ? 1 : 0
                XCTAssertEqual(run.server[0][i] ^ run.client[0][i], negative, "\(ring) value \(ring.signedValue(values[i]))")
                XCTAssertEqual(run.server[1][i] ^ run.client[1][i], 1 - negative)
            }
            let cost = millionaireCost(n: values.count, bits: ring.bitWidth - 1)
            XCTAssertEqual(run.serverTraffic.bytesSent, 2 * cost.serverBytes)
            XCTAssertEqual(run.clientTraffic.bytesSent, 2 * cost.clientBytes)
        }
    }

    func testBooleanToArithmeticAndMultiplexer() throws {
        var g = SeededGenerator(seed: 103)
        let ring = Ring.z37
        var values = edges(ring)
        values += (0..<3000).map { _ in ring.random(using: &g) }
        let n = values.count
        let b = bits(n, &g), bs = bits(n, &g)
        let (x0, x1) = ring.share(values, using: &g)
        let run = try runProtocol { s in
            let myBits = s.party == .server ? bs : zip(b, bs).map { $0 ^ $1 }
            return [try s.booleanToArithmetic(myBits), try s.select(myBits, s.party == .server ? x0 : x1)]
        }
        for i in 0..<n {
            XCTAssertEqual(ring.add(run.server[0][i], run.client[0][i]), UInt64(b[i]))
            XCTAssertEqual(ring.add(run.server[1][i], run.client[1][i]), b[i] == 1 ? values[i] : 0)
        }
        // B2A: one ℓ-bit COT; multiplexer: one each way.
        XCTAssertEqual(run.serverTraffic.bytesSent, packedBytes(n, bits: 37) + iknpColumnBytes(n) + packedBytes(n, bits: 37))
        XCTAssertEqual(run.clientTraffic.bytesSent, iknpColumnBytes(n) + iknpColumnBytes(n) + packedBytes(n, bits: 37))
        // Server: B2A's masked values; then the multiplexer's masked values with its own columns.
        // Client: B2A columns; multiplexer columns; its masked values.
        XCTAssertEqual(run.serverTraffic.flightsSent, 2)
        XCTAssertEqual(run.clientTraffic.flightsSent, 3)
    }

    func testTruncation() throws {
        var g = SeededGenerator(seed: 104)
        let ring = Ring.z37
        let limit = Int64(1) << 35  // |x| < 2^(ℓ−2)
        for f in [1, 12, 20, 35] {
            var plain: [Int64] = [0, -1, 1, limit - 1, -limit + 1, -limit / 2, limit / 2]
            for k in [Int64(1) << Int64(f), Int64(3) << Int64(f)] { plain += [k, k - 1, -k, -k + 1, k + 1] }
            plain = plain.filter { abs($0) < limit }
            plain += (0..<3000).map { _ in Int64(bitPattern: g.next()) % limit }
            let values = plain.map { ring.element($0) }
            var (x0, x1) = ring.share(values, using: &g)
            for i in 0..<12 { x0[i] = [0, ring.mask, ring.minimumSigned][i % 3]; x1[i] = ring.subtract(values[i], x0[i]) }
            let (a, b) = (x0, x1)
            let run = try runProtocol { s in
                let shares = s.party == .server ? a : b
                return [try s.truncate(shares, by: f, mode: .exact), try s.truncate(shares, by: f, mode: .approximate)]
            }
            for i in plain.indices {
                let floor = plain[i] >> Int64(f)
                XCTAssertEqual(ring.signedValue(ring.add(run.server[0][i], run.client[0][i])), floor, "exact, f = \(f), x = \(plain[i])")
                let approx = ring.signedValue(ring.add(run.server[1][i], run.client[1][i]))
                XCTAssertTrue(approx == floor || approx == floor - 1, "approximate, f = \(f), x = \(plain[i]): \(approx) vs \(floor)")
            }
            // Approximate: one f-bit COT (server sends f bits, client the columns). Exact adds a millionaire
            // on f bits and an ℓ-bit B2A.
            let n = plain.count
            let m = millionaireCost(n: n, bits: f)
            XCTAssertEqual(run.serverTraffic.bytesSent, 2 * packedBytes(n, bits: f) + m.serverBytes + packedBytes(n, bits: 37))
            XCTAssertEqual(run.clientTraffic.bytesSent, 2 * iknpColumnBytes(n) + m.clientBytes + iknpColumnBytes(n))
        }
        XCTAssertThrowsError(try runProtocol { s in try s.truncate([1], by: 36, mode: .exact) })
        XCTAssertThrowsError(try runProtocol { s in try s.truncate([1], by: 0, mode: .approximate) })
    }

    func testRingExtension() throws {
        var g = SeededGenerator(seed: 105)
        let ring = Ring.z37
        let limit = Int64(1) << 35
        var plain: [Int64] = [0, -1, 1, limit - 1, -limit + 1, 4096, -4096]
        plain += (0..<3000).map { _ in Int64(bitPattern: g.next()) % limit }
        let values = plain.map { ring.element($0) }
        var (x0, x1) = ring.share(values, using: &g)
        for i in 0..<6 { x0[i] = [0, ring.mask, ring.minimumSigned][i % 3]; x1[i] = ring.subtract(values[i], x0[i]) }
        for target in [try Ring(bitWidth: 41), try Ring(bitWidth: 64)] {
            let (a, b) = (x0, x1)
            let run = try runProtocol { s in try s.extend(s.party == .server ? a : b, to: target) }
            for i in plain.indices {
                XCTAssertEqual(target.signedValue(target.add(run.server[i], run.client[i])), plain[i], "→ \(target)")
            }
            XCTAssertEqual(run.serverTraffic.bytesSent, packedBytes(plain.count, bits: target.bitWidth - 37))
            XCTAssertEqual(run.clientTraffic.bytesSent, iknpColumnBytes(plain.count))
        }
        XCTAssertThrowsError(try runProtocol { s in try s.extend([1], to: .z37) })
    }

    func testLookupTable() throws {
        var g = SeededGenerator(seed: 106)
        for (k, outBits) in [(1, 8), (4, 37), (8, 16)] {
            let size = 1 << k
            let indexRing = try Ring(bitWidth: k), outputRing = try Ring(bitWidth: outBits)
            let table = (0..<size).map { _ in outputRing.random(using: &g) }
            var indices = (0..<2000).map { _ in UInt64(g.next() % UInt64(size)) }
            indices += [0, UInt64(size - 1)]
            let (i0, i1) = indexRing.share(indices, using: &g)
            let run = try runProtocol { s in
                try s.lookUp(s.party == .server ? i0 : i1, indexBits: k, table: s.party == .server ? table : [], outputRing: outputRing)
            }
            for e in indices.indices {
                XCTAssertEqual(outputRing.add(run.server[e], run.client[e]), table[Int(indices[e])], "k = \(k)")
            }
            XCTAssertEqual(run.serverTraffic.bytesSent, packedBytes(indices.count * size, bits: outBits))
            XCTAssertEqual(run.clientTraffic.bytesSent, iknpColumnBytes(indices.count * k))
            XCTAssertEqual(run.serverTraffic.flightsSent, 1)
        }
        XCTAssertThrowsError(try runProtocol { s in
            try s.lookUp([0], indexBits: 4, table: [1, 2, 3], outputRing: .z37)
        })
    }

    func testRejectsMalformedBooleanShares() throws {
        XCTAssertThrowsError(try runProtocol { s in try s.and([0, 2], [1, 1]) }) { error in
            XCTAssertEqual(error as? TwoPartyComputeError, .notABit)
        }
        XCTAssertThrowsError(try runProtocol { s in try s.booleanToArithmetic([3]) })
        XCTAssertThrowsError(try runProtocol { s in try s.select([1, 1], [5]) }) { error in
            XCTAssertEqual(error as? TwoPartyComputeError, .lengthMismatch(expected: 2, found: 1))
        }
    }
}

/// Truncation and extension without a range precondition, across the whole signed range.
final class FullRangeTests: XCTestCase {
    func testFullRangeTruncationAndExtension() throws {
        var g = SeededGenerator(seed: 107)
        for ring in [Ring.z37, try Ring(bitWidth: 16)] {
            let half = Int64(1) << Int64(ring.bitWidth - 1)
            var plain: [Int64] = [0, -1, 1, half - 1, -half, -half + 1, half / 2, -half / 2, half - 4096, -half + 4095]
            plain += (0..<3000).map { _ in Int64(bitPattern: g.next()) % half }
            let values = plain.map { ring.element($0) }
            var (x0, x1) = ring.share(values, using: &g)
            for i in 0..<9 { x0[i] = [0, ring.mask, ring.minimumSigned][i % 3]; x1[i] = ring.subtract(values[i], x0[i]) }
            let (a, b) = (x0, x1)
            let f = ring.bitWidth == 16 ? 5 : 12
            let wide = try Ring(bitWidth: 64)
            let run = try runProtocol(ring: ring) { s in
                let shares = s.party == .server ? a : b
                return [try s.truncate(shares, by: f, mode: .exact, range: .full),
                        try s.truncate(shares, by: f, mode: .approximate, range: .full),
                        try s.extend(shares, to: wide, range: .full)]
            }
            for i in plain.indices {
                let floor = plain[i] >> Int64(f)
                XCTAssertEqual(ring.signedValue(ring.add(run.server[0][i], run.client[0][i])), floor, "\(ring) exact x = \(plain[i])")
                let approx = ring.signedValue(ring.add(run.server[1][i], run.client[1][i]))
                XCTAssertTrue(approx == floor || approx == floor - 1, "\(ring) approximate x = \(plain[i])")
                XCTAssertEqual(wide.signedValue(wide.add(run.server[2][i], run.client[2][i])), plain[i], "\(ring) → 64 bits")
            }
        }
    }
}

/// Empty inputs are a valid (if useless) call of every protocol: empty outputs, no crash.
final class EmptyInputTests: XCTestCase {
    func testEveryProtocolAcceptsEmptyInputs() throws {
        let run = try runProtocol { s in
            [try s.and([], []).count, try s.lessThan([], bitCount: 36).count, try s.mostSignificantBit([]).count,
             try s.booleanToArithmetic([]).count, try s.select([], []).count,
             try s.truncate([], by: 12, mode: .exact).count, try s.truncate([], by: 12, mode: .approximate, range: .full).count,
             try s.extend([], to: try Ring(bitWidth: 48)).count, try s.multiply([], []).count,
             try s.lookUp([], indexBits: 4, table: s.party == .server ? [UInt64](repeating: 1, count: 16) : [], outputRing: .z37).count]
        }
        XCTAssertEqual(run.server, [Int](repeating: 0, count: 10))
        XCTAssertEqual(run.client, [Int](repeating: 0, count: 10))
    }
}
