import Foundation
import XCTest

/// HEDIFF_THREADS=1 keeps the whole process on its main thread, tensor kernels included
/// (single-threaded measurements against single-threaded libraries). Checked from outside: the
/// process's thread count (/proc/PID/task), sampled while it runs a text encoder benchmark, stays
/// 1. OPENBLAS_NUM_THREADS=1 keeps OpenBLAS from starting its own pool when it loads.
final class ThreadLimitTests: XCTestCase {
    func testOneThreadMeansOneThread() throws {
        let process = Process()
        process.executableURL = HEDiffProcess.binary
        process.arguments = ["bench", "text", "--repetitions", "4"]
        var environment = ProcessInfo.processInfo.environment
        environment["HEDIFF_THREADS"] = "1"
        environment["OPENBLAS_NUM_THREADS"] = "1"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let tasks = "/proc/\(process.processIdentifier)/task"
        var most = 0
        var samples = 0
        while process.isRunning {
            if let threads = try? FileManager.default.contentsOfDirectory(atPath: tasks) {
                most = max(most, threads.count)
                samples += 1
            }
            usleep(20_000)
        }
        XCTAssertEqual(process.terminationStatus, 0)
        XCTAssertGreaterThan(samples, 10, "sampled while it ran")
        XCTAssertEqual(most, 1, "threads seen while running with HEDIFF_THREADS=1")
    }
}
