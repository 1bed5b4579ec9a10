/// One deserializer under test: how to exercise it on one input, and the valid inputs that start
/// its corpus.
///
/// `fuzz` feeds the bytes to the library exactly as an application would (public or
/// `@_spi(Testing)` API only). Rejection by a thrown error is the expected outcome for malformed
/// input and is ignored; anything else — a trap, a sanitizer report, a leak, an allocation beyond
/// libFuzzer's `-malloc_limit_mb`, a timeout — is a finding. Where a format is canonical, `fuzz`
/// also checks that whatever was accepted serializes back to the same bytes (`FuzzCheck`).
public protocol FuzzTarget {
    /// Runs once per process before the first input (contexts, keys, temporary folders).
    init() throws

    /// Exercises the deserializer on `bytes`.
    func fuzz(_ bytes: [UInt8])

    /// Valid inputs by file name, written by the library itself where it has a writer.
    static func seeds() throws -> [(name: String, bytes: [UInt8])]
}

/// Invariants a target checks on accepted input; a violation stops the fuzzer with a crash report.
public enum FuzzCheck {
    /// Accepted input must re-serialize to exactly the bytes it was read from (the format has one
    /// encoding per value, so a difference means the reader accepted something it should not).
    public static func roundTrip(_ reserialized: [UInt8], _ input: [UInt8], _ what: String) {
        guard reserialized == input else {
            fatalError("\(what): accepted \(input.count) bytes that re-serialize to \(reserialized.count) different bytes")
        }
    }
}
