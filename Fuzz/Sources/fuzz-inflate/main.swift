import FuzzSupport
import Imaging
import StableDiffusion

/// The zlib/DEFLATE decompressor, through the only way an application reaches it: the image data
/// of a PNG. Every input is wrapped in a valid 8-bit PNG whose header comes from its first three
/// bytes (width and height 1…256, one of the five color types) and whose IDAT chunk is the rest,
/// so that mutations land in the compressed stream instead of failing the chunk CRCs.
struct InflateTarget: FuzzTarget {
    init() {}

    func fuzz(_ bytes: [UInt8]) {
        guard bytes.count >= 3 else { return }
        let colorType = PNGEnvelope.colorTypes[Int(bytes[2]) % PNGEnvelope.colorTypes.count]
        let png = PNGEnvelope.wrap(Array(bytes[3...]), width: Int(bytes[0]) + 1, height: Int(bytes[1]) + 1, colorType: colorType)
        _ = try? PNG.decode(png)
    }

    /// The image data of images `PNG.encode` writes (stored blocks) and of the repository's 8-bit
    /// Pillow fixtures (fixed and dynamic Huffman blocks, every filter).
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (width, height, channels) in [(1, 1, 3), (4, 3, 3), (16, 16, 4)] {
            let image = try PixelImage(
                width: width, height: height, channelCount: channels,
                pixels: (0..<(width * height * channels)).map { UInt8($0 % 251) })
            let colorType = UInt8(PNGEnvelope.colorTypes.firstIndex(of: channels == 4 ? 6 : 2)!)
            seeds.append(("encoded-\(width)x\(height)x\(channels)", [UInt8(width - 1), UInt8(height - 1), colorType] + PNGEnvelope.imageData(of: PNG.encode(image))))
        }
        for (name, png) in try RepositoryFiles.files(in: "Tests/Fixtures/png", suffix: ".png") {
            let header = PNGEnvelope.header(of: png)
            guard header.width <= 256, header.height <= 256, header.bitDepth == 8,
                  let colorType = PNGEnvelope.colorTypes.firstIndex(of: header.colorType)
            else { continue }
            seeds.append((name, [UInt8(header.width - 1), UInt8(header.height - 1), UInt8(colorType)] + PNGEnvelope.imageData(of: png)))
        }
        return seeds
    }
}

FuzzMain.run(InflateTarget.self)
