import Foundation

/// The embedded default model, used when `--model` is not given: `Models/tiny-shapes` of this
/// repository (a tiny SD v1.x-architecture model trained on procedural shapes), or the folder named
/// by the HEDIFF_MODEL environment variable.
///
/// An installed `hediff` finds the model in the install layout that `make install PREFIX=…`
/// writes, relative to the running executable (symbolic links resolved):
///
/// ```
/// PREFIX/bin/hediff
/// PREFIX/share/hediff/tiny-shapes/
/// ```
///
/// A build run from its checkout (`.build/release/hediff`) falls back to the checkout's
/// `Models/tiny-shapes`. The model is not a SwiftPM resource: on Linux a resource bundle must sit
/// beside the binary too, and `Bundle.module` stops the program when it is missing, so copying the
/// binary alone would turn a clear error into a crash; the install layout keeps 13 MB out of every build.
enum DefaultModel {
    /// The model's folder name, in the checkout (`Models/`) and in the install layout (`share/hediff/`).
    static let name = "tiny-shapes"

    /// The installed model for an executable at `executable`: `../share/hediff/tiny-shapes`.
    static func installed(besideExecutable executable: URL) -> URL {
        executable.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("share/hediff").appendingPathComponent(name)
    }

    /// The checkout's model folder, found from this source file's location at build time.
    static let checkout = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Models").appendingPathComponent(name)

    /// Where the embedded model is looked for, in order: beside the running executable, then the checkout.
    static var candidates: [URL] {
        let executable = Bundle.main.executableURL.map { $0.resolvingSymlinksInPath() }
        return (executable.map { [installed(besideExecutable: $0)] } ?? []) + [checkout]
    }

    /// `path` if given, else HEDIFF_MODEL, else the embedded model; fails with a clear message
    /// when the folder or file does not exist, naming every place the embedded model was looked for.
    static func resolve(_ path: String?) throws -> URL {
        if let given = path ?? ProcessInfo.processInfo.environment["HEDIFF_MODEL"] {
            let url = URL(fileURLWithPath: given)
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw ValidationErrorMessage(
                    "model \(url.path) does not exist" + (path == nil ? " (named by HEDIFF_MODEL)" : ""))
            }
            return url
        }
        let places = candidates
        guard let found = places.first(where: isDirectory) else {
            throw ValidationErrorMessage(
                "the embedded model is not installed (looked in " + places.map(\.path).joined(separator: " and ")
                    + "); pass --model DIR, or install hediff with `make install PREFIX=…`")
        }
        return found
    }

    static func isDirectory(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}

/// A one-line error for the user.
struct ValidationErrorMessage: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
