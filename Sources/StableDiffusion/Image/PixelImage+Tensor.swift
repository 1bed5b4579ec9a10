import Imaging
import Tensor

extension PixelImage {
    /// The images of a decoded batch: `[N, 3, H, W]` (or `[3, H, W]`) in [−1, 1] to 8-bit RGB.
    ///
    /// Matches: diffusers 0.42.1 image_processor.py `VaeImageProcessor.postprocess` (output_type "pil"):
    /// `(x/2 + 0.5).clamp(0, 1)`, then `(· 255).round()` (halves to even) in float32.
    /// Infinities clamp like any value beyond ±1 (to 255 and 0, as torch's clamp does).
    ///
    /// - Throws: `ImageError.invalidTensorShape` for other shapes; `ImageError.notANumber` when a
    ///   value is NaN, which has no pixel value (diffusers' uint8 cast of NaN is undefined) and
    ///   means the model or its weights are broken, so no image is made rather than a wrong one.
    public static func images(fromDecoded tensor: Tensor) throws -> [PixelImage] {
        let shape = tensor.shape.count == 3 ? [1] + tensor.shape : tensor.shape
        guard shape.count == 4, shape[1] == 3, shape[0] > 0, shape[2] > 0, shape[3] > 0 else {
            throw ImageError.invalidTensorShape(tensor.shape)
        }
        let nanCount = tensor.scalars.reduce(0) { $0 + ($1.isNaN ? 1 : 0) }
        guard nanCount == 0 else { throw ImageError.notANumber(count: nanCount, total: tensor.scalarCount) }
        let (count, height, width) = (shape[0], shape[2], shape[3])
        let plane = height * width
        return try (0..<count).map { n in
            var pixels = [UInt8](repeating: 0, count: plane * 3)
            for c in 0..<3 {
                let source = (n * 3 + c) * plane
                for p in 0..<plane {
                    let unit = min(max(tensor.scalars[source + p] / 2 + 0.5, 0), 1)
                    pixels[p * 3 + c] = UInt8((unit * 255).rounded(.toNearestOrEven))
                }
            }
            return try PixelImage(width: width, height: height, channelCount: 3, pixels: pixels)
        }
    }

    /// The image as a `[1, 3, H, W]` tensor in [−1, 1] for the VAE encoder; alpha is dropped.
    ///
    /// Matches: diffusers 0.42.1 image_processor.py `VaeImageProcessor.preprocess` (`x / 255`, then `2x − 1`).
    public func tensor() throws -> Tensor {
        let plane = width * height
        var scalars = [Float](repeating: 0, count: 3 * plane)
        for p in 0..<plane {
            for c in 0..<3 {
                scalars[c * plane + p] = 2 * (Float(pixels[p * channelCount + c]) / 255) - 1
            }
        }
        return try Tensor(shape: [1, 3, height, width], scalars: scalars)
    }
}
