import CKKS
import RingArithmetic

/// A deliberately variable-time operation, run beside the library's operations by the
/// constant-time test to show that the test detects a leak: comparing a secret with a guess
/// word by word and returning at the first difference (the classic early-exit comparison,
/// whose running time tells how long a prefix of the guess is right).
enum LeakyReference {
    /// The fixed class compares a secret equal to the guess (every word is read); the random class
    /// a random secret (the first word almost surely differs).
    static func operation(wordCount: Int) -> ConstantTimeTest.Operation {
        precondition(wordCount > 0, "the comparison needs at least one word")
        var generator = AESCTRGenerator.system()
        let guess = (0..<wordCount).map { _ in generator.next() }
        return ConstantTimeTest.Operation(name: "reference_leaky_compare", classes: "secret equal to the guess vs random secrets (early-exit comparison)") { c in
            let random = (0..<wordCount).map { _ in generator.next() }
            let secret = c == 0 ? guess.map { $0 } : random
            return { Sink.shared.value = equalsEarlyExit(secret, guess) }
        }
    }

    /// Early-exit equality: the leak under demonstration.
    @inline(never)
    static func equalsEarlyExit(_ a: [UInt64], _ b: [UInt64]) -> Bool {
        guard a.count == b.count else { return false }
        for i in a.indices where a[i] != b[i] { return false }
        return true
    }

    /// Keeps the comparison's result alive so that the optimizer cannot drop the call.
    final class Sink: @unchecked Sendable {
        static let shared = Sink()
        var value = false
    }
}

extension ConstantTimeTest {
    /// The deliberately leaky reference operation (an early-exit comparison of `wordCount` words),
    /// which the test must flag: evidence that it can fail.
    public static func leakyReference(wordCount: Int) -> Operation {
        LeakyReference.operation(wordCount: wordCount)
    }
}
