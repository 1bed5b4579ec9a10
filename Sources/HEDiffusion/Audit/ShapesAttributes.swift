import Foundation
import Imaging

/// What the embedded tiny-shapes model's images show — background colour, shape colour and
/// position — read from pixels: the classifier of tools/train-tiny/evaluate.py reduced to those
/// three attributes (its palette and anchors are tools/train-tiny/dataset.py's). The audit uses it
/// to say whether a reconstruction gives an attribute away, beyond its PSNR.
public struct ShapesAttributes: Sendable, Codable, Equatable {
    public var background: String
    public var shape: String
    public var position: String

    /// The dataset's palette.
    static let palette: [(name: String, rgb: (Double, Double, Double))] = [
        ("red", (220, 30, 30)), ("green", (30, 170, 60)), ("blue", (30, 70, 220)), ("yellow", (245, 225, 40)),
        ("purple", (140, 50, 190)), ("orange", (250, 140, 20)), ("white", (245, 245, 245)), ("black", (15, 15, 15)),
    ]

    /// The dataset's position anchors, in pixels of a 64×64 image.
    static let anchors: [(name: String, x: Double, y: Double)] = [
        ("left", 18, 32), ("right", 46, 32), ("top", 32, 18), ("bottom", 32, 46), ("centre", 32, 32),
    ]

    static func nearestColour(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> String {
        var best = palette[0].name, bestDistance = Double.infinity
        for (name, c) in palette {
            let (dr, dg, db) = (Double(r) - c.0, Double(g) - c.1, Double(b) - c.2)
            let distance = dr * dr + dg * dg + db * db
            if distance < bestDistance { (best, bestDistance) = (name, distance) }
        }
        return best
    }

    /// Background: the most frequent palette colour on the 2-pixel border; shape: the most frequent
    /// other palette colour inside; position: the anchor nearest to the centroid of the shape's
    /// pixels. Nil for images that are not RGB.
    public init?(image: PixelImage) {
        guard image.channelCount == 3, image.width > 4, image.height > 4 else { return nil }
        let (width, height) = (image.width, image.height)
        var border: [String: Int] = [:], inside: [String: Int] = [:]
        var labels: [String] = []
        labels.reserveCapacity(width * height)
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                let colour = Self.nearestColour(image.pixels[i], image.pixels[i + 1], image.pixels[i + 2])
                labels.append(colour)
                if x < 2 || y < 2 || x >= width - 2 || y >= height - 2 {
                    border[colour, default: 0] += 1
                } else {
                    inside[colour, default: 0] += 1
                }
            }
        }
        // Ties broken by name, so that the reading does not depend on dictionary order.
        func mostFrequent(_ counts: [String: Int]) -> String? {
            counts.max { ($0.value, $1.key) < ($1.value, $0.key) }?.key
        }
        guard let background = mostFrequent(border) else { return nil }
        inside[background] = nil
        let shape = mostFrequent(inside) ?? background
        var (sumX, sumY, count) = (0.0, 0.0, 0.0)
        for (i, label) in labels.enumerated() where label == shape {
            sumX += Double(i % width) + 0.5
            sumY += Double(i / width) + 0.5
            count += 1
        }
        let (cx, cy) = (sumX / max(count, 1) * 64 / Double(width), sumY / max(count, 1) * 64 / Double(height))
        let position = Self.anchors.min { hypot($0.x - cx, $0.y - cy) < hypot($1.x - cx, $1.y - cy) }!.name
        self.background = background
        self.shape = shape
        self.position = position
    }
}
