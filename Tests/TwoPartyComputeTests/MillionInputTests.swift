import SecretSharing
import TwoPartyCompute
import XCTest
import _TestSupport

/// The acceptance runs: each protocol on 10^6 seeded random inputs against its plaintext
/// function, in calls of 2^14 elements. Release builds only (CI runs `swift test -c release`); a debug
/// build skips them, the small-input tests in `ProtocolTests` cover the same code.
final class MillionInputTests: XCTestCase {
    private let total = 1_000_000
    private let chunk = 1 << 14

    override func setUpWithError() throws {
        #if DEBUG
        throw XCTSkip("10^6-input runs need a release build")
        #endif
    }

    /// Runs `body` on chunks of the inputs (`width` words per element) in one session per party; returns
    /// both parties' outputs.
    private func run(ring: Ring = .z37, width: Int = 1, _ first: [UInt64], _ second: [UInt64],
                     _ body: @escaping @Sendable (TwoPartySession, ArraySlice<UInt64>) throws -> [UInt64]) throws -> ([UInt64], [UInt64]) {
        let chunk = self.chunk * width
        let run = try runProtocol(ring: ring) { s in
            let mine = s.party == .server ? first : second
            var out: [UInt64] = []
            out.reserveCapacity(mine.count)
            var i = 0
            while i < mine.count {
                out += try body(s, mine[i..<min(i + chunk, mine.count)])
                i += chunk
            }
            return out
        }
        return (run.server, run.client)
    }

    func testMostSignificantBitOnAMillionInputs() throws {
        var g = SeededGenerator(seed: 200)
        let ring = Ring.z37
        // Edges: 0, −1, 1, −2^(ℓ−1), 2^(ℓ−1) − 1, and their neighbours.
        let edges: [UInt64] = [0, ring.mask, 1, ring.minimumSigned, ring.minimumSigned - 1, ring.minimumSigned + 1, 2, ring.mask - 1]
        let values = edges + (0..<(total - edges.count)).map { _ in ring.random(using: &g) }
        let (x0, x1) = ring.share(values, using: &g)
        let (a, b) = try run(x0, x1) { s, x in try s.mostSignificantBit(Array(x)).map { UInt64($0) } }
        var wrong = 0
        for i in 0..<total where (a[i] ^ b[i]) != (ring.mostSignificantBit(values[i]) ? 1 : 0) { wrong += 1 }
        XCTAssertEqual(wrong, 0)
    }

    /// The millionaire on private 36-bit inputs (half the pairs agree on a random number of top digits, so
    /// the equality chain decides them; edges: equal, neighbours, 0 and 2^36 − 1), then comparisons of two
    /// shared values, with a public threshold, and ReLU, on values whose difference stays in the signed range.
    func testComparisonsOnAMillionInputs() throws {
        var g = SeededGenerator(seed: 205)
        let width = 36, mask: UInt64 = (1 << 36) - 1
        var x: [UInt64] = [0, 0, mask, mask, 7, mask - 1], y: [UInt64] = [0, mask, mask, 0, 8, mask]
        while x.count < total {
            let a = g.next() & mask
            let keptBits = UInt64(g.next() % UInt64(width + 1))  // low bits that may differ
            let b = g.next() & 1 == 0 ? g.next() & mask : (a & ~((1 << keptBits) - 1)) | (g.next() & ((1 << keptBits) - 1))
            x.append(a)
            y.append(b & mask)
        }
        let (lt0, lt1) = try run(x, y) { s, chunk in try s.lessThan(Array(chunk), bitCount: width).map { UInt64($0) } }
        var wrongMillionaire = 0
        for i in 0..<total where lt0[i] ^ lt1[i] != (x[i] < y[i] ? 1 : 0) { wrongMillionaire += 1 }
        XCTAssertEqual(wrongMillionaire, 0, "millionaire, 36 bits")

        let ring = Ring.z37
        let limit = Int64(1) << 35, threshold: Int64 = -12_345
        let u = (0..<total).map { _ in Int64(bitPattern: g.next()) % limit }
        let v = (0..<total).map { i in i % 4 == 0 ? u[i] + Int64(bitPattern: g.next()) % 3 : Int64(bitPattern: g.next()) % limit }
        let (u0, u1) = ring.share(u.map { ring.element($0) }, using: &g)
        let (v0, v1) = ring.share(v.map { ring.element($0) }, using: &g)
        let first = (0..<total).flatMap { [u0[$0], v0[$0]] }
        let second = (0..<total).flatMap { [u1[$0], v1[$0]] }
        let (a, b) = try run(width: 2, first, second) { s, chunk in
            let packed = Array(chunk)
            let n = packed.count / 2
            let us = (0..<n).map { packed[2 * $0] }, vs = (0..<n).map { packed[2 * $0 + 1] }
            let shared = try s.lessThan(us, vs)
            let versusPublic = try s.lessThan(us, publicThreshold: threshold)
            let rectified = try s.relu(us)
            return (0..<n).flatMap { [UInt64(shared[$0]), UInt64(versusPublic[$0]), rectified[$0]] }
        }
        var wrong = [0, 0, 0]
        for i in 0..<total {
            if a[3 * i] ^ b[3 * i] != (u[i] < v[i] ? 1 : 0) { wrong[0] += 1 }
            if a[3 * i + 1] ^ b[3 * i + 1] != (u[i] < threshold ? 1 : 0) { wrong[1] += 1 }
            if ring.signedValue(ring.add(a[3 * i + 2], b[3 * i + 2])) != max(u[i], 0) { wrong[2] += 1 }
        }
        XCTAssertEqual(wrong, [0, 0, 0], "x < y shared, x < public threshold, ReLU")
    }

    func testTruncationOnAMillionInputs() throws {
        var g = SeededGenerator(seed: 201)
        let ring = Ring.z37
        let limit = Int64(1) << 35
        // Edges: the ends of the known-MSB range |x| < 2^35 and values at the truncation boundary, k·2^12 + {−1, 0, 1}.
        var edges: [Int64] = [0, -1, 1, limit - 1, -limit + 1, limit - 2, -limit + 2]
        for k: Int64 in [1, -1, 2, -2, 12_345, -12_345, (limit >> 12) - 1, -(limit >> 12)] {
            edges += [k << 12 - 1, k << 12, k << 12 + 1].filter { $0 > -limit && $0 < limit }
        }
        let plain = edges + (0..<(total - edges.count)).map { _ in Int64(bitPattern: g.next()) % limit }
        let (x0, x1) = ring.share(plain.map { ring.element($0) }, using: &g)
        let (a, b) = try run(x0, x1) { s, x in try s.truncate(Array(x), by: 12, mode: .exact) }
        let (c, d) = try run(x0, x1) { s, x in try s.truncate(Array(x), by: 12, mode: .approximate) }
        var wrongExact = 0, wrongApproximate = 0
        for i in 0..<total {
            let floor = plain[i] >> 12
            if ring.signedValue(ring.add(a[i], b[i])) != floor { wrongExact += 1 }
            let approx = ring.signedValue(ring.add(c[i], d[i]))
            if approx != floor && approx != floor - 1 { wrongApproximate += 1 }
        }
        XCTAssertEqual(wrongExact, 0)
        XCTAssertEqual(wrongApproximate, 0)
    }

    func testSelectionConversionExtensionAndTableOnAMillionInputs() throws {
        var g = SeededGenerator(seed: 202)
        let ring = Ring.z37, wide = try Ring(bitWidth: 48), index = try Ring(bitWidth: 4)
        let limit = Int64(1) << 35
        let plain = (0..<total).map { _ in Int64(bitPattern: g.next()) % limit }
        let values = plain.map { ring.element($0) }
        let bits = (0..<total).map { _ in g.next() & 1 }
        let bitMask = (0..<total).map { _ in g.next() & 1 }
        let (x0, x1) = ring.share(values, using: &g)
        let table = (0..<16).map { _ in ring.random(using: &g) }
        let (i0, i1) = index.share(values.map { $0 & 0xF }, using: &g)
        // Interleave per element: bit share, value share, index share.
        let first = (0..<total).flatMap { [bitMask[$0], x0[$0], i0[$0]] }
        let second = (0..<total).flatMap { [bits[$0] ^ bitMask[$0], x1[$0], i1[$0]] }
        let (a, b) = try run(width: 3, first, second) { s, chunk in
            let packed = Array(chunk)
            let n = packed.count / 3
            let myBits = (0..<n).map { UInt8(packed[3 * $0]) }
            let myValues = (0..<n).map { packed[3 * $0 + 1] }
            let myIndices = (0..<n).map { packed[3 * $0 + 2] }
            let b2a = try s.booleanToArithmetic(myBits)
            let selected = try s.select(myBits, myValues)
            let extended = try s.extend(myValues, to: wide)
            let looked = try s.lookUp(myIndices, indexBits: 4, table: s.party == .server ? table : [], outputRing: ring)
            return (0..<n).flatMap { [b2a[$0], selected[$0], extended[$0], looked[$0]] }
        }
        var wrong = [0, 0, 0, 0]
        for i in 0..<total {
            if ring.add(a[4 * i], b[4 * i]) != bits[i] { wrong[0] += 1 }
            if ring.add(a[4 * i + 1], b[4 * i + 1]) != (bits[i] == 1 ? values[i] : 0) { wrong[1] += 1 }
            if wide.signedValue(wide.add(a[4 * i + 2], b[4 * i + 2])) != plain[i] { wrong[2] += 1 }
            if ring.add(a[4 * i + 3], b[4 * i + 3]) != table[Int(values[i] & 0xF)] { wrong[3] += 1 }
        }
        XCTAssertEqual(wrong, [0, 0, 0, 0], "B2A, multiplexer, extension, table")
    }

    /// x·y and x² mod 2^ℓ (Gilboa cross terms) on uniform ring elements, against Ring.multiply.
    func testProductsOnAMillionInputs() throws {
        var g = SeededGenerator(seed: 203)
        let ring = Ring.z37
        let x = (0..<total).map { _ in ring.random(using: &g) }
        let y = (0..<total).map { _ in ring.random(using: &g) }
        let (x0, x1) = ring.share(x, using: &g)
        let (y0, y1) = ring.share(y, using: &g)
        let first = (0..<total).flatMap { [x0[$0], y0[$0]] }
        let second = (0..<total).flatMap { [x1[$0], y1[$0]] }
        let (a, b) = try run(width: 2, first, second) { s, chunk in
            let packed = Array(chunk)
            let n = packed.count / 2
            let xs = (0..<n).map { packed[2 * $0] }, ys = (0..<n).map { packed[2 * $0 + 1] }
            let product = try s.multiply(xs, ys)
            let square = try s.square(xs)
            return (0..<n).flatMap { [product[$0], square[$0]] }
        }
        var wrong = [0, 0]
        for i in 0..<total {
            if ring.add(a[2 * i], b[2 * i]) != ring.multiply(x[i], y[i]) { wrong[0] += 1 }
            if ring.add(a[2 * i + 1], b[2 * i + 1]) != ring.multiply(x[i], x[i]) { wrong[1] += 1 }
        }
        XCTAssertEqual(wrong, [0, 0], "multiply, square")
    }

    /// Truncation (exact and ±1 LSB) and extension with `range: .full` on uniform elements of the whole
    /// ring, edges included, against the signed value's floor shift and its sign extension.
    func testFullRangeTruncationAndExtensionOnAMillionInputs() throws {
        var g = SeededGenerator(seed: 204)
        let ring = Ring.z37, wide = try Ring(bitWidth: 48)
        let edges: [UInt64] = [0, ring.mask, ring.minimumSigned, ring.minimumSigned - 1, 1, ring.minimumSigned + 1]
        let values = edges + (0..<(total - edges.count)).map { _ in ring.random(using: &g) }
        let (x0, x1) = ring.share(values, using: &g)
        let (a, b) = try run(width: 1, x0, x1) { s, chunk in
            let x = Array(chunk)
            let exact = try s.truncate(x, by: 12, mode: .exact, range: .full)
            let approximate = try s.truncate(x, by: 12, mode: .approximate, range: .full)
            let extended = try s.extend(x, to: wide, range: .full)
            return (0..<x.count).flatMap { [exact[$0], approximate[$0], extended[$0]] }
        }
        var wrong = [0, 0, 0]
        for i in 0..<total {
            let signed = ring.signedValue(values[i])
            let floor = signed >> 12
            if ring.signedValue(ring.add(a[3 * i], b[3 * i])) != floor { wrong[0] += 1 }
            let approximate = ring.signedValue(ring.add(a[3 * i + 1], b[3 * i + 1]))
            if approximate != floor && approximate != floor - 1 { wrong[1] += 1 }
            if wide.signedValue(wide.add(a[3 * i + 2], b[3 * i + 2])) != signed { wrong[2] += 1 }
        }
        XCTAssertEqual(wrong, [0, 0, 0], "exact truncation, ±1 LSB truncation, extension (full range)")
    }
}
