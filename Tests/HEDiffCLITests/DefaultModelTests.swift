import Foundation
import StableDiffusion
import XCTest

/// The embedded tiny-shapes model: a private generation with the default settings must draw the
/// colours and the position it is asked for (the classifier of tools/train-tiny/evaluate.py,
/// reduced to colours and position).
final class DefaultModelTests: XCTestCase {
    /// The dataset's palette (tools/train-tiny/dataset.py).
    static let palette: [String: (Double, Double, Double)] = [
        "red": (220, 30, 30), "green": (30, 170, 60), "blue": (30, 70, 220), "yellow": (245, 225, 40),
        "purple": (140, 50, 190), "orange": (250, 140, 20), "white": (245, 245, 245), "black": (15, 15, 15),
    ]

    static func nearestColour(_ r: UInt8, _ g: UInt8, _ b: UInt8) -> String {
        palette.min { lhs, rhs in
            func distance(_ c: (Double, Double, Double)) -> Double {
                let (dr, dg, db) = (Double(r) - c.0, Double(g) - c.1, Double(b) - c.2)
                return dr * dr + dg * dg + db * db
            }
            return distance(lhs.value) < distance(rhs.value)
        }!.key
    }

    /// The dataset's position anchors in pixels of a 64x64 image (tools/train-tiny/dataset.py).
    static let anchors: [String: (x: Double, y: Double)] = [
        "left": (18, 32), "right": (46, 32), "top": (32, 18), "bottom": (32, 46), "centre": (32, 32),
    ]

    /// Background: the most frequent palette colour on the border; shape: the most frequent other
    /// palette colour inside; position: the anchor nearest to the centroid of the shape's pixels.
    static func classify(rgb pixels: [UInt8], width: Int, height: Int) -> (shape: String, background: String, position: String) {
        var border: [String: Int] = [:], inside: [String: Int] = [:]
        var labels: [String] = []
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                let colour = nearestColour(pixels[i], pixels[i + 1], pixels[i + 2])
                labels.append(colour)
                if x < 2 || y < 2 || x >= width - 2 || y >= height - 2 {
                    border[colour, default: 0] += 1
                } else {
                    inside[colour, default: 0] += 1
                }
            }
        }
        let background = border.max { $0.value < $1.value }!.key
        inside[background] = nil
        let shape = inside.max { $0.value < $1.value }?.key ?? background
        var (sumX, sumY, count) = (0.0, 0.0, 0.0)
        for (i, label) in labels.enumerated() where label == shape {
            sumX += Double(i % width) + 0.5
            sumY += Double(i / width) + 0.5
            count += 1
        }
        let (cx, cy) = (sumX / count * 64 / Double(width), sumY / count * 64 / Double(height))
        let position = anchors.min { lhs, rhs in
            hypot(lhs.value.x - cx, lhs.value.y - cy) < hypot(rhs.value.x - cx, rhs.value.y - cy)
        }!.key
        return (shape, background, position)
    }

    func testPrivateGenerationDrawsThePromptedColoursAndPosition() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-default-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: output) }
        // No --model: the embedded default, with its generation_defaults.json, in the default
        // private mode (packed); a fixed seed keeps the check deterministic. (Red circle on the
        // left is one of the triples held out of training.)
        let result = try HEDiffProcess.run(["generate", "--prompt", "a large red circle on the left, blue background",
                                            "--seed", "0", "--output", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("encrypted"), "ran with the encrypted update")
        let image = try PNG.read(from: output)
        XCTAssertEqual(image.channelCount, 3)
        let found = Self.classify(rgb: image.pixels, width: image.width, height: image.height)
        XCTAssertEqual(found.background, "blue")
        XCTAssertEqual(found.shape, "red")
        XCTAssertEqual(found.position, "left")
    }
}
