import Foundation
import HEDiffusion

/// The folder `--transcript` writes to: checked before the run (a new path, or an empty writable
/// folder), written after it.
struct TranscriptFolder {
    let url: URL

    init(path: String) throws {
        url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw OutputPathError(path: path, reason: "it is not a folder") }
            guard (try FileManager.default.contentsOfDirectory(atPath: url.path)).isEmpty else {
                throw OutputPathError(path: path, reason: "the folder is not empty")
            }
            guard access(url.path, W_OK) == 0 else { throw OutputPathError(path: path, reason: "the folder is not writable") }
        } else {
            try OutputFiles.check(path)
        }
    }

    func write(_ transcript: Transcript) throws {
        try transcript.write(to: url)
    }
}
