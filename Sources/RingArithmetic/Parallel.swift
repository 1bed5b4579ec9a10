import Dispatch
import Foundation

/// Splits independent work items (RNS limbs, ciphertext polynomials) across the cores.
public enum Parallel {
    /// False when the environment sets HEDIFF_THREADS=1: everything then runs on the calling
    /// thread, for single-threaded measurements against single-threaded libraries.
    public static let isEnabled = ProcessInfo.processInfo.environment["HEDIFF_THREADS"] != "1"

    /// Runs `body(i)` for i in 0..<count, concurrently when there is more than one item.
    @inlinable
    public static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 || !isEnabled {
            for i in 0..<count { body(i) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
