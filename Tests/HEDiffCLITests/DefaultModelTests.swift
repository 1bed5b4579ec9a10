import Foundation
import StableDiffusion
import XCTest

/// The embedded tiny-shapes model: a short private generation must draw the colours it is asked
/// for (the classifier of tools/train-tiny/evaluate.py, reduced to colours).
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

    /// Background: the most frequent palette colour on the border; shape: the most frequent other
    /// palette colour inside.
    static func dominantColours(rgb pixels: [UInt8], width: Int, height: Int) -> (shape: String, background: String) {
        var border: [String: Int] = [:], inside: [String: Int] = [:]
        for y in 0..<height {
            for x in 0..<width {
                let i = (y * width + x) * 3
                let colour = nearestColour(pixels[i], pixels[i + 1], pixels[i + 2])
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
        return (shape, background)
    }

    func testPrivateGenerationDrawsThePromptedColours() throws {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("hediff-default-\(UUID().uuidString).png")
        defer { try? FileManager.default.removeItem(at: output) }
        // No --model: the embedded default; --privacy sparse is the default.
        let result = try HEDiffProcess.run(["generate", "--prompt", "a large red circle in the centre, blue background",
                                            "--steps", "20", "--seed", "0", "--output", output.path])
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertTrue(result.stderr.contains("encrypted"), "ran with the encrypted update")
        let image = try PNG.read(from: output)
        XCTAssertEqual(image.channelCount, 3)
        let colours = Self.dominantColours(rgb: image.pixels, width: image.width, height: image.height)
        XCTAssertEqual(colours.background, "blue")
        XCTAssertEqual(colours.shape, "red")
    }
}
