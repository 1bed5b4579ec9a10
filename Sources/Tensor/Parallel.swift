import Dispatch
import Foundation

/// Splits loops across the machine's cores. Kernels hand over raw pointers, which are not
/// `Sendable`; the work items below only touch disjoint index ranges, so the unchecked
/// wrapper is sound for them.
enum Parallel {
    /// Number of cores the process may use.
    static let coreCount = max(1, ProcessInfo.processInfo.activeProcessorCount)

    /// Calls `body` on disjoint contiguous ranges covering `0..<count`, concurrently when the
    /// total `work` (in elements touched) is large enough to repay a thread hand-off.
    static func forEachRange(
        count: Int, work: Int, minimumWork: Int = 1 << 15, _ body: (Range<Int>) -> Void
    ) {
        let chunkCount = min(count, coreCount, max(1, work / minimumWork))
        guard chunkCount > 1 else {
            if count > 0 { body(0..<count) }
            return
        }
        withoutActuallyEscaping(body) { escapable in
            let box = UncheckedSendable(escapable)
            DispatchQueue.concurrentPerform(iterations: chunkCount) { chunk in
                let start = count * chunk / chunkCount
                let end = count * (chunk + 1) / chunkCount
                box.value(start..<end)
            }
        }
    }

    /// Calls `body` once per element range of a flat buffer of `count` elements, split across
    /// cores when there are enough elements.
    static func forEachElementRange(count: Int, _ body: (Range<Int>) -> Void) {
        forEachRange(count: count, work: count, body)
    }
}

/// Carries a value into a `@Sendable` closure whose callers guarantee data-race freedom.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
