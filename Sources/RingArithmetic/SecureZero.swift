#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// Overwrites memory that held secret material — key coefficients, the random bytes that
/// determined them, raw decryptions — with zeros before it is released or reused.
///
/// Uses `explicit_bzero` (`memset_s` on Darwin), which the optimizer may not remove even when the
/// memory is never read again. Best effort: copies the language makes behind the scenes (an
/// array that grew, a value copied to a temporary) are not tracked.
public enum SecureZero {
    /// Zeros `buffer`; `label` names what it held, for the test observer only.
    public static func zero(_ buffer: UnsafeMutableRawBufferPointer, _ label: StaticString) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        #if canImport(Darwin)
        _ = memset_s(base, buffer.count, 0, buffer.count)
        #else
        explicit_bzero(base, buffer.count)
        #endif
        if let observer = Observation.current {
            observer(label.description, UnsafeRawBufferPointer(buffer))
        }
    }

    /// Zeros every element of `array` in place.
    public static func zero<Element: BitwiseCopyable>(_ array: inout [Element], _ label: StaticString) {
        array.withUnsafeMutableBytes { zero($0, label) }
    }

    /// Calls `observer` with the label and the zeroed bytes of every `zero` call made while
    /// `body` runs, so that tests can check which secrets were wiped. One observer at a time.
    @_spi(Testing)
    public static func observing<T>(
        _ observer: @escaping @Sendable (String, UnsafeRawBufferPointer) -> Void, during body: () throws -> T
    ) rethrows -> T {
        Observation.lock.lock()
        Observation.current = observer
        defer {
            Observation.current = nil
            Observation.lock.unlock()
        }
        return try body()
    }

    /// The test observer. Written only under `lock` by `observing`, which holds the lock for the
    /// whole observed call; read without it, which is sound because it is only ever set while the
    /// observed code runs.
    private enum Observation {
        static let lock = NSLock()
        nonisolated(unsafe) static var current: (@Sendable (String, UnsafeRawBufferPointer) -> Void)?
    }
}

extension RNSPolynomial {
    /// Overwrites the residues with zeros (see `SecureZero`).
    public mutating func wipe(_ label: StaticString) {
        SecureZero.zero(&data, label)
    }
}
