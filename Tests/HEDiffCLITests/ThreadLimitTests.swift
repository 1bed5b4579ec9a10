import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// HEDIFF_THREADS=1 keeps the whole process on one core, tensor kernels included (single-threaded
/// measurements against single-threaded libraries): its CPU time cannot exceed its wall time.
final class ThreadLimitTests: XCTestCase {
    /// CPU seconds (user + system) of the children this process has waited for.
    private func childCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) * 1e-6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    func testOneThreadUsesAtMostOneCore() throws {
        setenv("HEDIFF_THREADS", "1", 1)
        defer { unsetenv("HEDIFF_THREADS") }
        let cpuBefore = childCPUSeconds()
        let start = Date()
        let result = try HEDiffProcess.run(["bench", "text", "--repetitions", "8"], timeout: 300)
        let wall = Date().timeIntervalSince(start)
        let cpu = childCPUSeconds() - cpuBefore
        XCTAssertEqual(result.status, 0, result.stderr)
        XCTAssertLessThan(cpu, wall * 1.1 + 0.05, "CPU \(cpu) s over \(wall) s wall")
    }
}
