import Foundation

/// Runs the `hediff` built next to this test bundle and collects its exit status and output.
enum HEDiffProcess {
    private final class Marker {}

    /// On Linux the bundle URL is the products folder itself; on Darwin the .xctest bundle inside it.
    static var binary: URL {
        let bundle = Bundle(for: Marker.self).bundleURL
        let candidates = [bundle.appendingPathComponent("hediff"), bundle.deletingLastPathComponent().appendingPathComponent("hediff")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }

    /// Runs `executable` (the built `hediff` by default) with `arguments`; a run still going after
    /// `timeout` seconds is killed and reported with status −1, so that a hang fails the test.
    static func run(
        _ arguments: [String], executable: URL = binary, timeout: Double? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let watchdog = timeout.map { seconds in
            DispatchWorkItem { if process.isRunning { process.terminate() } }
                .scheduled(after: seconds)
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        watchdog?.cancel()
        let status = process.terminationReason == .uncaughtSignal ? -1 : process.terminationStatus
        return (status, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }
}

private extension DispatchWorkItem {
    /// Runs this item on a global queue after `seconds`; returns it for cancelling.
    func scheduled(after seconds: Double) -> DispatchWorkItem {
        DispatchQueue.global().asyncAfter(deadline: .now() + seconds, execute: self)
        return self
    }
}
