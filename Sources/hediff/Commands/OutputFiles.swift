import Foundation
import StableDiffusion

/// The PNG files one run writes, checked before any work so that a bad path fails fast, and
/// written so that a failure leaves none of them behind.
struct OutputFiles {
    let urls: [URL]

    /// `path` itself for one image; `stem-1.ext` … `stem-N.ext` for more.
    init(path: String, count: Int) throws {
        let url = URL(fileURLWithPath: path)
        if count == 1 {
            urls = [url]
        } else {
            let stem = url.deletingPathExtension()
            let ext = url.pathExtension.isEmpty ? "png" : url.pathExtension
            urls = (1...count).map { URL(fileURLWithPath: "\(stem.path)-\($0).\(ext)") }
        }
        for url in urls { try Self.checkWritable(url) }
    }

    /// Writes each image atomically; if one fails, removes those already written and rethrows.
    func write(_ images: [PixelImage]) throws {
        var written: [URL] = []
        do {
            for (image, url) in zip(images, urls) {
                try PNG.write(image, to: url)
                written.append(url)
            }
        } catch {
            for url in written { try? FileManager.default.removeItem(at: url) }
            throw error
        }
    }

    private static func checkWritable(_ url: URL) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw OutputPathError(path: url.path, reason: "it is a directory")
        }
        let folder = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw OutputPathError(path: url.path, reason: "the folder \(folder) does not exist")
        }
        guard access(folder, W_OK) == 0 else {
            throw OutputPathError(path: url.path, reason: "the folder \(folder) is not writable")
        }
    }
}

/// An output path that cannot be written, found before generating.
struct OutputPathError: Error, CustomStringConvertible {
    let path: String
    let reason: String

    var description: String { "cannot write \(path): \(reason)" }
}
