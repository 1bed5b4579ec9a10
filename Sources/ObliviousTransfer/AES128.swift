import OTKernels

/// AES-128 encryption under one expanded key: AES-NI when the CPU has it (the `OTKernels` C target, which
/// enables the instructions per function so the package needs no compiler flags), else a portable
/// byte-wise implementation. Used as the pseudorandom generator that stretches IKNP's base-OT seeds
/// (`AESCounterPRG`) and as the fixed-key permutation of the correlation-robust hash
/// (`CorrelationRobustHash`). Batches run eight blocks in flight, which hides the AESENC latency.
public struct AES128: Sendable {
    /// Which code encrypts.
    public enum Implementation: Sendable {
        /// AES-NI when available, else portable.
        case automatic
        /// The portable byte-wise algorithm (FIPS 197 §5.1), whatever the CPU.
        case portable
    }

    /// Whether this CPU has AES-NI (CPUID).
    public static let hardwareAvailable = hediff_aes_ni_available() == 1

    /// The 11 round keys, 176 bytes in memory order.
    private let roundKeys: [UInt8]
    private let useHardware: Bool

    /// Expands a 16-byte key (FIPS 197 §5.2).
    public init(key: Block, implementation: Implementation = .automatic) {
        roundKeys = AESKeySchedule.expand(key: key).flatMap { $0.bytes }
        useHardware = implementation == .automatic && AES128.hardwareAvailable
    }

    /// AES_k(block).
    public func encrypt(_ block: Block) -> Block {
        var one = block
        encrypt(&one, count: 1)
        return one
    }

    /// Encrypts `count` blocks in place.
    public func encrypt(_ blocks: UnsafeMutablePointer<Block>, count: Int) {
        guard count > 0 else { return }
        let bytes = UnsafeMutableRawPointer(blocks).assumingMemoryBound(to: UInt8.self)
        roundKeys.withUnsafeBufferPointer { keys in
            if useHardware {
                hediff_aes128_encrypt_ni(keys.baseAddress!, bytes, count)
            } else {
                AESKeySchedule.sBox.withUnsafeBufferPointer { box in
                    hediff_aes128_encrypt_portable(keys.baseAddress!, box.baseAddress!, bytes, count)
                }
            }
        }
    }
}

/// A pseudorandom generator: AES-128 in counter mode keyed by a 128-bit seed, block j = AES_seed(j).
/// Both ends of an IKNP column stretch the same seed, so the counter advances in lock step.
public struct AESCounterPRG: Sendable {
    private let cipher: AES128
    private var counter: UInt64 = 0

    public init(seed: Block) { cipher = AES128(key: seed) }

    /// Writes the next `count` blocks of the stream.
    public mutating func fill(_ destination: UnsafeMutablePointer<Block>, count: Int) {
        for j in 0..<count { destination[j] = Block(counter &+ UInt64(j), 0) }
        counter &+= UInt64(count)
        cipher.encrypt(destination, count: count)
    }
}
