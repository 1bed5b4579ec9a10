import Foundation

/// The embedded default model, used when `--model` is not given: `Models/tiny-shapes` of this
/// repository (a tiny SD v1.x-architecture model trained on procedural shapes), or the folder named
/// by the HEDIFF_MODEL environment variable.
enum DefaultModel {
    /// The repository's model folder, found from this source file's location at build time.
    static let embedded = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models/tiny-shapes")

    /// `path` if given, else HEDIFF_MODEL, else the embedded model; fails with a clear message
    /// when the folder does not exist.
    static func resolve(_ path: String?) throws -> URL {
        let url = path.map { URL(fileURLWithPath: $0) }
            ?? ProcessInfo.processInfo.environment["HEDIFF_MODEL"].map { URL(fileURLWithPath: $0) }
            ?? embedded
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationErrorMessage("model folder \(url.path) does not exist" + (path == nil ? "; pass --model DIR" : ""))
        }
        return url
    }
}

/// A one-line error for the user.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
