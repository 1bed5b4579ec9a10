import CKKS
import Foundation
import XCTest
import _TestSupport

/// Every homomorphic operation against the same computation on plain doubles, with error bounds
/// derived from the parameters (see `Bounds`).
final class EvaluatorTests: XCTestCase {
    func testEncryptDecryptPublicAndSymmetric() throws {
        for fixture in [try Fixture.reference.get(), try Fixture.tailored.get()] {
            let p = fixture.parameters
            let x = fixture.randomValues(seed: 1)
            for level in [0, p.maxLevel] {
                let pt = try fixture.encoder.encode(x, level: level)
                let viaPublic = try fixture.decryptor.decryptValues(fixture.encryptor.encrypt(pt))
                XCTAssertLessThanOrEqual(Bounds.maxError(x, viaPublic), Bounds.freshPublic(p), "\(p) public level \(level)")
                let viaSecret = try fixture.decryptor.decryptValues(fixture.symmetricEncryptor.encrypt(pt))
                XCTAssertLessThanOrEqual(Bounds.maxError(x, viaSecret), Bounds.freshSymmetric(p), "\(p) symmetric level \(level)")
            }
        }
    }

    func testAdditionSubtractionNegation() throws {
        let f = try Fixture.reference.get()
        let x = f.randomValues(seed: 2), y = f.randomValues(seed: 3)
        let cx = try f.encryptor.encrypt(x), cy = try f.symmetricEncryptor.encrypt(y)
        let bound = Bounds.freshPublic(f.parameters) + Bounds.freshSymmetric(f.parameters)
        XCTAssertLessThanOrEqual(Bounds.maxError(zip(x, y).map(+), try f.decryptor.decryptValues(cx + cy)), bound)
        XCTAssertLessThanOrEqual(Bounds.maxError(zip(x, y).map(-), try f.decryptor.decryptValues(cx - cy)), bound)
        XCTAssertLessThanOrEqual(Bounds.maxError(x.map { -$0 }, try f.decryptor.decryptValues(-cx)), bound)
        let py = try f.encoder.encode(y)
        let plainBound = Bounds.freshPublic(f.parameters) + Bounds.freshSymmetric(f.parameters)
        XCTAssertLessThanOrEqual(Bounds.maxError(zip(x, y).map(+), try f.decryptor.decryptValues(cx + py)), plainBound)
        XCTAssertLessThanOrEqual(Bounds.maxError(zip(x, y).map(-), try f.decryptor.decryptValues(cx - py)), plainBound)
        XCTAssertLessThanOrEqual(Bounds.maxError(x.map { $0 + 0.75 }, try f.decryptor.decryptValues(cx + 0.75)), bound)
    }

    func testMultiplyPlainAndScalarWithRescale() throws {
        for f in [try Fixture.reference.get(), try Fixture.tailored.get()] {
            let p = f.parameters
            let x = f.randomValues(seed: 4), y = f.randomValues(seed: 5)
            let cx = try f.symmetricEncryptor.encrypt(x)
            let level = cx.level
            let qTop = Double(p.dataModuli[level])
            // Plaintext encoded at scale q_ℓ: after rescale the scale is exactly Δ again.
            let py = try f.encoder.encode(y, scale: qTop)
            let product = try f.evaluator.rescale(cx * py)
            XCTAssertEqual(product.level, level - 1)
            XCTAssertEqual(product.scale, p.scale, accuracy: 1e-6 * p.scale)
            // |y| ≤ 1 scales the fresh error; y's own encoding rounding (Δ_y = q_ℓ) and the rescale add.
            let bound = Bounds.freshSymmetric(p) + Bounds.rescaleRounding(p, scale: p.scale) + Bounds.slotBound(
                coefficientDeviation: Bounds.roundingDeviation, polyDegree: p.polyDegree, scale: qTop)
            XCTAssertLessThanOrEqual(Bounds.maxError(zip(x, y).map(*), try f.decryptor.decryptValues(product)), bound)

            let a = 1.0137
            let scaled = try f.evaluator.rescale(cx * a)
            XCTAssertEqual(scaled.scale, p.scale, accuracy: 1e-6 * p.scale)
            let scalarBound = a * Bounds.freshSymmetric(p) + Bounds.rescaleRounding(p, scale: p.scale) + 1 / qTop
            XCTAssertLessThanOrEqual(Bounds.maxError(x.map { a * $0 }, try f.decryptor.decryptValues(scaled)), scalarBound)
        }
    }

    func testCiphertextProductWithRelinearization() throws {
        let f = try Fixture.reference.get()
        let p = f.parameters
        let x = f.randomValues(seed: 6), y = f.randomValues(seed: 7)
        let cx = try f.encryptor.encrypt(x), cy = try f.encryptor.encrypt(y)
        let product = try f.evaluator.rescale(f.evaluator.multiply(cx, cy))
        // Error of x·y: |x|·e_y + |y|·e_x (|x|, |y| ≤ 1) plus the key-switching error
        // ((ℓ+1)·q_max²/12 · N · σ² / P² per coefficient) and the rescale's rounding.
        let n = Double(p.polyDegree)
        let qMax = Double(p.dataModuli.max()!), special = Double(p.specialModulus)
        let keySwitchDeviation = (Double(p.maxLevel + 1) * qMax * qMax / 12 * n * 10.5 / (special * special)).squareRoot()
        let bound = 2 * Bounds.freshPublic(p)
            + Bounds.slotBound(coefficientDeviation: keySwitchDeviation, polyDegree: p.polyDegree, scale: cx.scale * cy.scale / Double(p.dataModuli[p.maxLevel]))
            + Bounds.rescaleRounding(p, scale: product.scale)
        XCTAssertLessThanOrEqual(Bounds.maxError(zip(x, y).map(*), try f.decryptor.decryptValues(product)), bound)
        XCTAssertThrowsError(try f.evaluator.relinearize(cx), "a 2-polynomial ciphertext cannot be relinearized")
        XCTAssertThrowsError(try Evaluator(context: f.context).relinearize(f.evaluator.multiplyWithoutRelinearization(cx, cy)))
        // The unrelinearized product decrypts with s² too (no key-switching or rescale error).
        let raw = try f.evaluator.multiplyWithoutRelinearization(cx, cy)
        XCTAssertEqual(raw.size, 3)
        XCTAssertLessThanOrEqual(Bounds.maxError(zip(x, y).map(*), try f.decryptor.decryptValues(raw)), 2 * Bounds.freshPublic(p))
    }

    func testRotationsConjugationAndSum() throws {
        let f = try Fixture.reference.get()
        let p = f.parameters
        let n = f.context.slotCount
        var generator = SeededGenerator(seed: 11)
        let z = (0..<n).map { _ in Complex(Double.random(in: -1...1, using: &generator), Double.random(in: -1...1, using: &generator)) }
        let cz = try f.encryptor.encrypt(f.encoder.encode(complex: z))
        let qMax = Double(p.dataModuli.max()!), special = Double(p.specialModulus)
        let keySwitchDeviation = (Double(p.maxLevel + 1) * qMax * qMax / 12 * Double(p.polyDegree) * 10.5 / (special * special)).squareRoot()
        let bound = 2 * (Bounds.freshPublic(p) + Bounds.slotBound(coefficientDeviation: keySwitchDeviation + 1, polyDegree: p.polyDegree, scale: p.scale))
        for steps in [1, 2, 3, -1, 5, 100, -37] {
            let rotated = try f.evaluator.rotateByComposition(cz, by: steps)
            let decoded = try f.encoder.decodeComplex(f.decryptor.decrypt(rotated))
            for j in 0..<n {
                let expected = z[((j + steps) % n + n) % n]
                XCTAssertLessThanOrEqual((decoded[j] - expected).magnitude, 8 * bound, "rotation \(steps) slot \(j)")
            }
        }
        XCTAssertThrowsError(try f.evaluator.rotate(cz, by: 7), "no key for 7 unless composed")
        let conjugated = try f.encoder.decodeComplex(f.decryptor.decrypt(f.evaluator.conjugate(cz)))
        for j in 0..<n {
            XCTAssertLessThanOrEqual((conjugated[j] - Complex(z[j].real, -z[j].imaginary)).magnitude, 2 * bound)
        }
        let x = f.randomValues(seed: 8)
        let sum = try f.decryptor.decryptValues(f.evaluator.sumSlots(f.encryptor.encrypt(x)))
        let expected = x.reduce(0, +)
        let sumBound = Double(n) * bound
        for value in sum.prefix(16) { XCTAssertEqual(value, expected, accuracy: sumBound) }
    }

    /// x ↦ x² · 0.9 repeatedly, rescaling each time, down to level 0 of a five-prime chain and the
    /// reference chain.
    func testMultiLevelCircuitToTheLastLevel() throws {
        for f in [try Fixture.smallDeep.get(), try Fixture.reference.get()] {
            let p = f.parameters
            var expected = f.randomValues(magnitude: 1, seed: 9)
            var c = try f.encryptor.encrypt(expected)
            var depth = 0
            while c.level > 0 {
                if depth % 2 == 0 {
                    c = try f.evaluator.rescale(f.evaluator.multiply(c, c))
                    expected = expected.map { $0 * $0 }
                } else {
                    c = try f.evaluator.rescale(c * 0.9)
                    expected = expected.map { $0 * 0.9 }
                }
                depth += 1
            }
            XCTAssertEqual(depth, p.maxLevel)
            let error = Bounds.maxError(expected, try f.decryptor.decryptValues(c))
            // Each level at most doubles the relative error and adds a rescale rounding and a
            // key-switching term; start from the fresh bound.
            var bound = Bounds.freshPublic(p)
            for _ in 0..<depth { bound = 2 * bound + 4 * Bounds.rescaleRounding(p, scale: p.scale) }
            XCTAssertLessThanOrEqual(error, bound, "\(p)")
            XCTAssertThrowsError(try f.evaluator.rescale(c))
        }
    }

    func testMismatchedOperandsAreRejected() throws {
        let f = try Fixture.reference.get()
        let g = try Fixture.tailored.get()
        let a = try f.encryptor.encrypt([1, 2])
        let low = try f.evaluator.dropLevel(a, to: 2)
        XCTAssertThrowsError(try a + low) { XCTAssertEqual($0 as? CKKSError, .levelMismatch(6, 2)) }
        let (x, y) = try f.evaluator.alignLevels(a, low)
        XCTAssertEqual(x.level, y.level)
        XCTAssertNoThrow(try x + y)
        let scaled = try f.evaluator.multiply(a, scalar: 2)
        XCTAssertThrowsError(try a + scaled) { guard case .scaleMismatch = $0 as? CKKSError else { return XCTFail("\($0)") } }
        let other = try g.encryptor.encrypt([1])
        XCTAssertThrowsError(try f.evaluator.add(a, other)) { XCTAssertEqual($0 as? CKKSError, .contextMismatch) }
        XCTAssertThrowsError(try f.evaluator.add(a, g.encoder.encode([1]))) { XCTAssertEqual($0 as? CKKSError, .contextMismatch) }
        XCTAssertThrowsError(try f.decryptor.decrypt(other)) { XCTAssertEqual($0 as? CKKSError, .contextMismatch) }
    }

    func testNoiseFloodedDecryptionStaysCloseButDiffers() throws {
        let f = try Fixture.smallDeep.get()
        let x = f.randomValues(seed: 10)
        let c = try f.symmetricEncryptor.encrypt(x)
        let first = try f.decryptor.decryptForSharing(c)
        let second = try f.decryptor.decryptForSharing(c)
        XCTAssertNotEqual(first, second, "fresh flooding noise on every call")
        let sigma = Decryptor.floodingDeviation(noiseEstimate: c.noiseEstimate, statisticalSecurityBits: 30)
        let bound = Bounds.slotBound(coefficientDeviation: sigma, polyDegree: f.parameters.polyDegree, scale: f.parameters.scale)
        XCTAssertLessThanOrEqual(Bounds.maxError(x, first), bound + Bounds.freshSymmetric(f.parameters))
        XCTAssertGreaterThan(Bounds.maxError(x, first), Bounds.freshSymmetric(f.parameters), "flooding must dominate the encryption error")
    }
}
