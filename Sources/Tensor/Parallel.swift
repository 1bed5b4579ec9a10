import Dispatch
import Foundation
import Synchronization

/// Splits loops across the machine's cores. This is the module's only thread pool: BLAS runs
/// single-threaded inside its work items (see `sgemm`), so two pools never compete for the cores.
///
/// Kernels hand over raw pointers, which are not `Sendable`; the work items below only touch
/// disjoint index ranges, so the unchecked wrapper is sound for them.
enum Parallel {
    /// Number of cores the process may use: 1 when the environment sets HEDIFF_THREADS=1 (as
    /// RingArithmetic's `Parallel` reads it: single-threaded measurements against single-threaded
    /// libraries), else every active core.
    static let coreCount = ProcessInfo.processInfo.environment["HEDIFF_THREADS"] == "1"
        ? 1 : max(1, ProcessInfo.processInfo.activeProcessorCount)

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

    /// Calls `body(item, &state)` for every item in `0..<count`. Items are handed out one at a
    /// time to one worker per core, so a core slowed down by another process simply takes fewer
    /// items; each worker makes its own `state` (a scratch buffer) once.
    static func forEachItem<State>(
        count: Int, makeState: () -> State, _ body: (Int, inout State) -> Void
    ) {
        let workerCount = min(count, coreCount)
        guard workerCount > 1 else {
            guard count > 0 else { return }
            var state = makeState()
            for item in 0..<count { body(item, &state) }
            return
        }
        withoutActuallyEscaping(makeState) { makeState in
            withoutActuallyEscaping(body) { body in
                let box = UncheckedSendable((makeState, body))
                let queue = ItemQueue()
                DispatchQueue.concurrentPerform(iterations: workerCount) { _ in
                    var state = box.value.0()
                    while true {
                        let item = queue.next.wrappingAdd(1, ordering: .relaxed).oldValue
                        guard item < count else { break }
                        box.value.1(item, &state)
                    }
                }
            }
        }
    }
}

/// The shared cursor of `Parallel.forEachItem`.
private final class ItemQueue: Sendable {
    let next = Atomic<Int>(0)
}

/// Carries a value into a `@Sendable` closure whose callers guarantee data-race freedom.
struct UncheckedSendable<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

/// A kernel's or a worker's private float buffer, returned to `ScratchPool` when released.
/// Contents are undefined on arrival.
final class ScratchBuffer {
    let pointer: UnsafeMutablePointer<Float>
    private let capacity: Int

    init(count: Int) {
        (pointer, capacity) = ScratchPool.take(max(count, 1))
    }

    deinit {
        ScratchPool.giveBack(pointer, capacity: capacity)
    }
}

/// Scratch buffers kept between kernel calls. Large allocations come straight from the kernel
/// (mmap) and every first touch of their pages faults and zeroes them: a 3×3 convolution or an
/// attention call would pay that for its tens of megabytes of scratch on every call. Released
/// buffers are kept (up to `retainedLimit` floats in all) and handed out again, smallest fit first.
enum ScratchPool {
    /// Floats kept for reuse, in all (64 MiB); a release beyond it frees the largest buffers.
    static let retainedLimit = 1 << 24

    private struct Entry: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<Float>
        let capacity: Int
    }

    /// Buffers ready for reuse, in increasing order of capacity.
    private static let kept = Mutex<[Entry]>([])

    static func take(_ count: Int) -> (UnsafeMutablePointer<Float>, Int) {
        // `kept` is sorted by capacity, so the first that fits is the smallest that fits.
        let reused = kept.withLock { entries -> Entry? in
            entries.firstIndex { $0.capacity >= count }.map { entries.remove(at: $0) }
        }
        if let reused { return (reused.pointer, reused.capacity) }
        return (.allocate(capacity: count), count)
    }

    static func giveBack(_ pointer: UnsafeMutablePointer<Float>, capacity: Int) {
        let evicted = kept.withLock { entries -> [Entry] in
            entries.append(Entry(pointer: pointer, capacity: capacity))
            entries.sort { $0.capacity < $1.capacity }
            var total = entries.reduce(0) { $0 + $1.capacity }
            var evicted: [Entry] = []
            while total > retainedLimit, let largest = entries.popLast() {
                total -= largest.capacity
                evicted.append(largest)
            }
            return evicted
        }
        for entry in evicted { entry.pointer.deallocate() }
    }
}
