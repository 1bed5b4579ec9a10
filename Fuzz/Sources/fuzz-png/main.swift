import FuzzSupport
import Imaging
import StableDiffusion

/// `PNG.decode` with the pixel limit `hediff generate --image` uses
/// (`GenerationConfiguration.maximumPixelCount`, 4 megapixels): chunk parsing, CRCs, inflate,
/// unfiltering and the expansion of gray, gray + alpha and palette images.
struct PNGTarget: FuzzTarget {
    init() {}

    func fuzz(_ bytes: [UInt8]) {
        _ = try? PNG.decode(bytes, maximumPixelCount: GenerationConfiguration.maximumPixelCount)
    }

    /// Images `PNG.encode` writes (RGB and RGBA, stored DEFLATE blocks) and the repository's
    /// Pillow-written fixtures (every color type, fixed and dynamic Huffman blocks, every filter).
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let rgb = try PixelImage(width: 5, height: 3, channelCount: 3, pixels: (0..<45).map { UInt8($0 * 5) })
        let rgba = try PixelImage(width: 2, height: 4, channelCount: 4, pixels: (0..<32).map { UInt8(255 - $0 * 7) })
        return [("encoded-rgb.png", PNG.encode(rgb)), ("encoded-rgba.png", PNG.encode(rgba))]
            + (try RepositoryFiles.files(in: "Tests/Fixtures/png", suffix: ".png"))
    }
}

FuzzMain.run(PNGTarget.self)
