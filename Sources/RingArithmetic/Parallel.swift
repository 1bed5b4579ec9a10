import Dispatch

/// Splits independent work items (RNS limbs, ciphertext polynomials) across the cores.
public enum Parallel {
    /// Runs `body(i)` for i in 0..<count, concurrently when there is more than one item.
    @inlinable
    public static func forEach(_ count: Int, _ body: @Sendable (Int) -> Void) {
        if count <= 1 {
            if count == 1 { body(0) }
            return
        }
        DispatchQueue.concurrentPerform(iterations: count, execute: body)
    }
}
