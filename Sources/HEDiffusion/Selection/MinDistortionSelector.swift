import Foundation
import Tensor

/// Which latent points to encrypt: HE-Diffusion's min-distortion rule.
///
/// The distortion of leaving point i out of encryption is d_i = |x_i| · cost_i with the HILL
/// cost map (`HILLCostMap`). Points are taken out cheapest-first while the removed distortion
/// stays within `threshold × Σ d`: precisely, sort by (d_i, i) and leave out the longest prefix
/// whose sum is ≤ threshold · Σ d. Everything else is encrypted.
///
/// The reference (`remove_points`) reaches the same prefix through staged loops (bulk filters,
/// top-k batches, then one point at a time) whose last step runs *until* the removed distortion
/// reaches the budget, so it removes the first point that crosses it as well: its removed set is
/// ours plus at most one point (the next in order), and it may exceed the budget by that point's
/// distortion, which ours never does. `Tests/HEDiffusionTests` checks this against a numpy port.
public struct MinDistortionSelector: Sendable {
    /// The fraction of the total distortion that may be left unencrypted (reference: 0.01).
    public let threshold: Double

    public init(threshold: Double = 0.01) throws(HEDiffusionError) {
        guard threshold >= 0, threshold <= 1, threshold.isFinite else { throw .invalidThreshold(threshold) }
        self.threshold = threshold
    }

    /// Selects the points of `latent` ([C, H, W] or [B, C, H, W]; the budget is global over the
    /// batch, as in the reference) to encrypt.
    public func select(_ latent: Tensor) throws(HEDiffusionError) -> PointSelection {
        let shape = latent.shape
        guard shape.count == 3 || shape.count == 4 else { throw .unsupportedShape(shape) }
        let (batch, channels, height, width) = shape.count == 4
            ? (shape[0], shape[1], shape[2], shape[3]) : (1, shape[0], shape[1], shape[2])
        guard height >= HILLCostMap.minimumExtent, width >= HILLCostMap.minimumExtent, channels > 0, batch > 0 else {
            throw .unsupportedShape(shape)
        }
        let plane = height * width
        let count = batch * channels * plane
        // Distortions as Float (the reference's precision); keys sort by (distortion, index):
        // a non-negative float's bit pattern orders like its value.
        var keys = [UInt64](repeating: 0, count: count)
        var distortions = [Float](repeating: 0, count: count)
        var total = 0.0
        latent.scalars.withUnsafeBufferPointer { values in
            for b in 0..<batch {
                let base = b * channels * plane
                let cost = HILLCostMap.cost(
                    planes: UnsafeBufferPointer(rebasing: values[base..<(base + channels * plane)]),
                    channels: channels, height: height, width: width)
                for c in 0..<channels {
                    for p in 0..<plane {
                        let i = base + c * plane + p
                        let d = abs(values[i]) * cost[p]
                        distortions[i] = d
                        total += Double(d)
                        keys[i] = UInt64(d.bitPattern) << 32 | UInt64(i)
                    }
                }
            }
        }
        guard total.isFinite else { throw .valueOutOfRange("the latent has non-finite values") }
        let budget = threshold * total
        let (removedCount, removed) = MinDistortionSelector.cheapestPrefix(&keys, distortions: distortions, budget: budget)
        // Collect the encrypted points in coordinate order with a mark per point (no second sort).
        var isRemoved = [Bool](repeating: false, count: count)
        for key in keys[0..<removedCount] { isRemoved[Int(key & 0xffff_ffff)] = true }
        var encrypted = [UInt32]()
        encrypted.reserveCapacity(count - removedCount)
        for i in 0..<count where !isRemoved[i] { encrypted.append(UInt32(i)) }
        return PointSelection(shape: shape, encryptedIndices: encrypted, totalDistortion: total, removedDistortion: removed)
    }
}

extension MinDistortionSelector {
    /// Rearranges `keys` so that its first k entries are the k smallest, for the largest k whose
    /// distortions sum to at most `budget`; returns k and that sum.
    ///
    /// Quickselect with sums instead of a full sort (expected linear time): partition around a
    /// pivot; if everything below it fits in the remaining budget, keep it all and try the pivot,
    /// else look for the boundary below the pivot. Keys are distinct (the index is in the low
    /// bits), so the order — and the result — is the same as sorting by (distortion, index).
    static func cheapestPrefix(_ keys: inout [UInt64], distortions: [Float], budget: Double) -> (Int, Double) {
        var low = 0, high = keys.count
        var remaining = budget
        var removed = 0.0
        keys.withUnsafeMutableBufferPointer { k in
            distortions.withUnsafeBufferPointer { d in
                func distortion(_ key: UInt64) -> Double { Double(d[Int(key & 0xffff_ffff)]) }
                while low < high {
                    let a = k[low], b = k[(low + high) / 2], c = k[high - 1]
                    let pivot = max(min(a, b), min(max(a, b), c))
                    var boundary = low
                    var sum = 0.0
                    for i in low..<high where k[i] < pivot {
                        k.swapAt(i, boundary)
                        sum += distortion(k[boundary])
                        boundary += 1
                    }
                    if let p = (boundary..<high).first(where: { k[$0] == pivot }) { k.swapAt(p, boundary) }
                    if sum <= remaining {
                        remaining -= sum
                        removed += sum
                        let pivotDistortion = distortion(k[boundary])
                        if pivotDistortion <= remaining {
                            remaining -= pivotDistortion
                            removed += pivotDistortion
                            low = boundary + 1
                        } else {
                            low = boundary
                            high = boundary
                        }
                    } else {
                        high = boundary
                    }
                }
            }
        }
        return (low, removed)
    }
}

/// The outcome of a selection: which flat (row-major) positions are encrypted.
public struct PointSelection: Sendable, Equatable {
    public let shape: [Int]
    /// Flat indices of the encrypted points, ascending.
    public let encryptedIndices: [UInt32]
    /// Σ d over all points, and over the points left in plaintext.
    public let totalDistortion: Double
    public let removedDistortion: Double

    public init(shape: [Int], encryptedIndices: [UInt32], totalDistortion: Double, removedDistortion: Double) {
        self.shape = shape
        self.encryptedIndices = encryptedIndices
        self.totalDistortion = totalDistortion
        self.removedDistortion = removedDistortion
    }

    /// Every point of a tensor of `shape` (the packed and element-wise baselines).
    public static func all(shape: [Int]) -> PointSelection {
        let count = shape.reduce(1, *)
        return PointSelection(shape: shape, encryptedIndices: (0..<count).map { UInt32($0) }, totalDistortion: 0, removedDistortion: 0)
    }

    /// The fraction of points encrypted.
    public var encryptedFraction: Double {
        let count = shape.reduce(1, *)
        return count == 0 ? 0 : Double(encryptedIndices.count) / Double(count)
    }
}
