import ModularArithmetic
import RingArithmetic
import XCTest

/// Statistical and determinism checks of the samplers and the AES-CTR stream.
final class SamplingTests: XCTestCase {
    private let seed = RandomSeed(bytes: Array(0..<32))!

    func testSeededStreamIsDeterministicAndStreamsDiffer() {
        var a = AESCTRGenerator(seed: seed), b = AESCTRGenerator(seed: seed), c = AESCTRGenerator(seed: seed, stream: 1)
        let xa = (0..<20_000).map { _ in a.next() }
        XCTAssertEqual(xa, (0..<20_000).map { _ in b.next() })
        XCTAssertNotEqual(xa, (0..<20_000).map { _ in c.next() })
        XCTAssertEqual(Set(xa).count, xa.count, "64-bit outputs of a CSPRNG do not repeat in 20000 draws")
    }

    func testSplitRequestsYieldTheSameStream() {
        // Chunk boundaries (64 KiB) must be invisible: one large request equals two odd-sized ones.
        var g1 = AESCTRGenerator(seed: seed), g2 = AESCTRGenerator(seed: seed)
        var whole = [UInt8](repeating: 0, count: 200_000)
        whole.withUnsafeMutableBytes { g1.fill($0) }
        var first = [UInt8](repeating: 0, count: 70_001), second = [UInt8](repeating: 0, count: 129_999)
        first.withUnsafeMutableBytes { g2.fill($0) }
        second.withUnsafeMutableBytes { g2.fill($0) }
        XCTAssertEqual(whole, first + second)
        let ones = whole.reduce(0) { $0 + $1.nonzeroBitCount }
        XCTAssertEqual(Double(ones) / Double(whole.count * 8), 0.5, accuracy: 0.005)
    }

    func testTernaryIsUniform() {
        var g = AESCTRGenerator(seed: seed)
        let s = Sampling.ternary(degree: 90_000, using: &g)
        for v: Int8 in [-1, 0, 1] {
            let count = s.filter { $0 == v }.count
            XCTAssertEqual(Double(count) / 90_000, 1.0 / 3, accuracy: 0.01)
        }
        XCTAssertTrue(s.allSatisfy { abs($0) <= 1 })
    }

    func testCenteredBinomialHasVarianceEtaOverTwo() {
        var g = AESCTRGenerator(seed: seed)
        let e = Sampling.centeredBinomial(degree: 200_000, using: &g).map(Double.init)
        let mean = e.reduce(0, +) / Double(e.count)
        let variance = e.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(e.count)
        XCTAssertEqual(mean, 0, accuracy: 0.05)
        XCTAssertEqual(variance, Double(Sampling.binomialEta) / 2, accuracy: 0.2)
        XCTAssertTrue(e.allSatisfy { abs($0) <= Double(Sampling.binomialEta) })
    }

    func testUniformResiduesAreBelowModulusAndBalanced() throws {
        let n = 4096
        let primes = try Primes.nttFriendly(bitSizes: [33, 60], polyDegree: n)
        let basis = RNSBasis(tables: try primes.map { try NTTTables(degree: n, modulus: try Modulus($0)) })
        var g = AESCTRGenerator(seed: seed)
        let poly = Sampling.uniform(basis: basis, form: Evaluation.self, using: &g)
        for (i, p) in primes.enumerated() {
            let limb = poly.limb(i)
            XCTAssertTrue(limb.allSatisfy { $0 < p })
            let mean = limb.reduce(0.0) { $0 + Double($1) / Double(p) } / Double(n)
            XCTAssertEqual(mean, 0.5, accuracy: 0.03)
        }
    }
}
