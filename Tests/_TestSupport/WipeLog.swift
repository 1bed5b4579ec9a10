import Foundation

/// What `SecureZero.observing` saw: each label, and whether every buffer was zero.
public final class WipeLog: @unchecked Sendable {
    private let lock = NSLock()
    private var labels: [String] = []
    private var nonzero = false

    public init() {}

    public func record(_ label: String, _ bytes: UnsafeRawBufferPointer) {
        let zero = bytes.allSatisfy { $0 == 0 }
        lock.lock()
        labels.append(label)
        if !zero { nonzero = true }
        lock.unlock()
    }

    public func count(_ label: String) -> Int {
        lock.lock()
        defer { lock.unlock() }
        return labels.filter { $0 == label }.count
    }

    public var allZero: Bool {
        lock.lock()
        defer { lock.unlock() }
        return !nonzero
    }
}
