import Foundation
import HEDiffusion
import StableDiffusion
import Tensor
import XCTest

/// The min-distortion selection: its invariants, and agreement with a numpy port of the
/// reference `remove_points` (tools/hediffusion/make_selection_fixtures.py).
final class SelectionTests: XCTestCase {
    static let fixtureURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/hediffusion/selection.safetensors")

    private func randomLatent(_ shape: [Int], seed: UInt64) throws -> Tensor {
        var generator = TorchRandomGenerator(seed: seed)
        return try generator.randn(shape: shape)
    }

    func testBudgetIsRespectedAndThePrefixIsMaximal() throws {
        let latent = try randomLatent([1, 4, 32, 32], seed: 7)
        for threshold in [0.0, 0.01, 0.05, 0.1, 0.5, 1.0] {
            let selection = try MinDistortionSelector(threshold: threshold).select(latent)
            XCTAssertLessThanOrEqual(selection.removedDistortion, threshold * selection.totalDistortion * (1 + 1e-12))
            // Recompute distortions independently of the selector's ordering: every removed point
            // must be at most as costly as every encrypted one, and the cheapest encrypted point
            // must not fit in the remaining budget.
            let distortions = try referenceDistortions(latent)
            let encrypted = Set(selection.encryptedIndices.map(Int.init))
            let removed = (0..<distortions.count).filter { !encrypted.contains($0) }
            let maxRemoved = removed.map { distortions[$0] }.max() ?? 0
            let minEncrypted = encrypted.map { distortions[$0] }.min() ?? .infinity
            XCTAssertLessThanOrEqual(maxRemoved, minEncrypted, "threshold \(threshold)")
            let removedSum = removed.reduce(0.0) { $0 + distortions[$1] }
            XCTAssertEqual(removedSum, selection.removedDistortion, accuracy: 1e-6 * max(1, selection.totalDistortion))
            if !encrypted.isEmpty {
                XCTAssertGreaterThan(removedSum + minEncrypted, threshold * selection.totalDistortion * (1 - 1e-9), "prefix is maximal")
            }
            XCTAssertEqual(selection.encryptedIndices, selection.encryptedIndices.sorted())
            XCTAssertEqual(try MinDistortionSelector(threshold: threshold).select(latent), selection, "deterministic")
        }
    }

    func testEncryptedFractionOnGaussianLatentsMatchesThePaper() throws {
        // DESIGN.md §2: threshold 0.01 encrypts about 89% of a N(0,1) 4x64x64 latent, 0.05 ~75%, 0.1 ~64%.
        let latent = try randomLatent([1, 4, 64, 64], seed: 42)
        for (threshold, expected) in [(0.01, 0.89), (0.05, 0.75), (0.1, 0.64)] {
            let fraction = try MinDistortionSelector(threshold: threshold).select(latent).encryptedFraction
            XCTAssertEqual(fraction, expected, accuracy: 0.02, "threshold \(threshold)")
        }
    }

    func testAgreesWithTheReferenceRemovePoints() throws {
        let file = try SafeTensors(contentsOf: Self.fixtureURL)
        for name in ["randn_4x64x64", "randn_4x16x16", "scaled_4x32x32"] {
            let latent = try file.tensor(named: "\(name).latent")
            let referenceCost = try file.floats(named: "\(name).cost")
            let plane = latent.shape[2] * latent.shape[3]
            let ourCost = try referenceDistortionsCost(latent)
            for p in 0..<plane {
                XCTAssertEqual(ourCost[p], referenceCost[p], accuracy: 1e-5 * max(1, abs(referenceCost[p])), "\(name) cost \(p)")
            }
            for threshold in [0.01, 0.05, 0.1] {
                let removedReference = try file.floats(named: "\(name).removed_\(threshold)")
                let selection = try MinDistortionSelector(threshold: threshold).select(latent)
                let encrypted = Set(selection.encryptedIndices.map(Int.init))
                let ours = (0..<removedReference.count).filter { !encrypted.contains($0) }
                let theirs = (0..<removedReference.count).filter { removedReference[$0] == 1 }
                // The reference removes the first point that crosses the budget as well: ours is
                // its set minus at most one point (ties in float32 may swap a pair at the edge).
                let oursSet = Set(ours), theirsSet = Set(theirs)
                XCTAssertLessThanOrEqual(oursSet.subtracting(theirsSet).count, 1, "\(name) @\(threshold)")
                XCTAssertLessThanOrEqual(theirsSet.subtracting(oursSet).count, 2, "\(name) @\(threshold)")
            }
        }
    }

    func testBadInputIsRejected() throws {
        XCTAssertThrowsError(try MinDistortionSelector(threshold: -0.1))
        XCTAssertThrowsError(try MinDistortionSelector(threshold: 1.5))
        XCTAssertThrowsError(try MinDistortionSelector().select(Tensor(zeros: [4, 4, 4])), "below the 8x8 minimum")
        XCTAssertThrowsError(try MinDistortionSelector().select(Tensor(zeros: [16, 16])))
        var bad = Tensor(zeros: [4, 8, 8])
        bad.withUnsafeMutableBufferPointer { $0[3] = .nan }
        XCTAssertThrowsError(try MinDistortionSelector().select(bad))
    }

    // MARK: An independent, direct transcription of the reference's C x C convolutions.

    /// The cost map computed literally: C×C kernels, reflect padding, convolution by nested loops.
    private func referenceDistortionsCost(_ latent: Tensor) throws -> [Float] {
        let (c, h, w) = (latent.shape[1], latent.shape[2], latent.shape[3])
        func conv(_ x: [[Float]], kernel: [Float], k: Int) -> [[Float]] {
            let pad = min(k / 2, h - 1)
            func reflect(_ i: Int, _ n: Int) -> Int { i < 0 ? -i : (i >= n ? 2 * (n - 1) - i : i) }
            var out = [[Float]](repeating: [Float](repeating: 0, count: h * w), count: c)
            for o in 0..<c {
                for y in 0..<h {
                    for xx in 0..<w {
                        var acc: Float = 0
                        for i in 0..<c {
                            for dy in 0..<k {
                                for dx in 0..<k {
                                    let sy = reflect(y + dy - pad, h), sx = reflect(xx + dx - pad, w)
                                    acc += kernel[dy * k + dx] * x[i][sy * w + sx]
                                }
                            }
                        }
                        out[o][y * w + xx] = acc
                    }
                }
            }
            return out
        }
        let planes = (0..<c).map { ch in Array(latent.scalars[(ch * h * w)..<((ch + 1) * h * w)]) }
        let m1 = conv(planes, kernel: [-1, 2, -1, 2, -4, 2, -1, 2, -1], k: 3)
        let m3 = conv(m1.map { $0.map(abs) }, kernel: [Float](repeating: 1.0 / 9, count: 9), k: 3)
        let m4 = m3.map { $0.map { $0 == 0 ? 0 : 1 / $0 } }
        return conv(m4, kernel: [Float](repeating: 1.0 / 225, count: 225), k: 15)[0]
    }

    private func referenceDistortions(_ latent: Tensor) throws -> [Double] {
        let cost = try referenceDistortionsCost(latent)
        let plane = latent.shape[2] * latent.shape[3]
        return latent.scalars.enumerated().map { Double(abs($0.element) * cost[$0.offset % plane]) }
    }
}
