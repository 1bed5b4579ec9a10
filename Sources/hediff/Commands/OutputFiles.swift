import Foundation
import Imaging
import StableDiffusion

/// The PNG files one run writes, checked before any work so that a bad path fails fast, and
/// written so that a failure leaves none of them behind.
///
/// Each path must be a new file in an existing, writable folder or an existing regular file
/// (a symbolic link counts as what it names): directories, devices (`/dev/full`, `/dev/null`),
/// FIFOs and sockets are refused before the run, and again when writing (`FileDestination`).
struct OutputFiles {
    let urls: [URL]

    /// The most files one run can write: as many images as the pipeline's pixel limit allows at
    /// the smallest size (8x8).
    static let maximumCount = GenerationConfiguration.maximumPixelCount / 64

    /// `path` itself for one image; `stem-1.ext` … `stem-N.ext` for more.
    init(path: String, count: Int) throws {
        guard (1...Self.maximumCount).contains(count) else {
            throw OutputPathError(path: path, reason: "\(count) images requested; a run writes 1 to \(Self.maximumCount)")
        }
        let url = URL(fileURLWithPath: path)
        if count == 1 {
            urls = [url]
        } else {
            let stem = url.deletingPathExtension()
            let ext = url.pathExtension.isEmpty ? "png" : url.pathExtension
            urls = (1...count).map { URL(fileURLWithPath: "\(stem.path)-\($0).\(ext)") }
        }
        for url in urls { try Self.check(url.path) }
    }

    /// These exact files, each checked.
    init(urls: [URL]) throws {
        guard urls.count <= Self.maximumCount else {
            throw OutputPathError(path: urls.first?.deletingLastPathComponent().path ?? "", reason: "\(urls.count) images requested; a run writes at most \(Self.maximumCount)")
        }
        self.urls = urls
        for url in urls { try Self.check(url.path) }
    }

    /// Refuses an output path that cannot take a new file (for example `--report`'s), so that
    /// the problem is reported before the model loads instead of after the run.
    ///
    /// - Throws: `OutputPathError` naming the path and what is wrong with it.
    static func check(_ path: String) throws {
        do {
            _ = try FileDestination.resolve(URL(fileURLWithPath: path))
        } catch let ImageError.writeFailed(_, reason) {
            throw OutputPathError(path: path, reason: reason)
        }
    }

    /// Writes each image atomically with `text` as PNG text chunks; if one fails, removes those
    /// already written and rethrows.
    func write(_ images: [PixelImage], text: [(keyword: String, value: String)] = []) throws {
        var written: [URL] = []
        do {
            for (image, url) in zip(images, urls) {
                try PNG.write(image, to: url, text: text)
                written.append(url)
            }
        } catch {
            for url in written { try? FileManager.default.removeItem(at: url) }
            throw error
        }
    }
}

/// An output path that cannot be written, found before generating.
struct OutputPathError: Error, CustomStringConvertible {
    let path: String
    let reason: String

    var description: String { "cannot write \(path): \(reason)" }
}
