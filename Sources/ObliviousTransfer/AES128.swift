import OTKernels

/// AES-128 encryption under one expanded key: VAES (two blocks per instruction) or AES-NI when the CPU has
/// it (the `OTKernels` C target, which enables the instructions per function so the package needs no
/// compiler flags), else a portable
/// byte-wise implementation. Used as the pseudorandom generator that stretches IKNP's base-OT seeds
/// (`AESCounterPRG`) and as the fixed-key permutation of the correlation-robust hash
/// (`CorrelationRobustHash`). Batches run eight blocks in flight, which hides the AESENC latency.
public struct AES128: Sendable {
    /// Which code encrypts.
    public enum Implementation: Sendable, CaseIterable {
        /// VAES on 256-bit registers when available, else AES-NI, else portable.
        case automatic
        /// AES-NI on 128-bit registers when available (even where VAES is), else portable.
        case aesNI
        /// The portable byte-wise algorithm (FIPS 197 §5.1), whatever the CPU.
        case portable
    }

    /// Whether this CPU has AES-NI (CPUID).
    public static let hardwareAvailable = hediff_aes_ni_available() == 1
    /// Whether this CPU has VAES on 256-bit registers (CPUID, and XGETBV for the OS's YMM support).
    public static let vaesAvailable = hediff_vaes_available() == 1

    /// The kernel an instance runs.
    private enum Kernel { case vaes, aesNI, portable }

    /// The 11 round keys, 176 bytes in memory order.
    private let roundKeys: [UInt8]
    private let kernel: Kernel

    /// Expands a 16-byte key (FIPS 197 §5.2).
    public init(key: Block, implementation: Implementation = .automatic) {
        roundKeys = AESKeySchedule.expand(key: key).flatMap { $0.bytes }
        switch implementation {
        case .automatic where AES128.vaesAvailable: kernel = .vaes
        case .automatic, .aesNI: kernel = AES128.hardwareAvailable ? .aesNI : .portable
        case .portable: kernel = .portable
        }
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
            switch kernel {
            case .vaes:
                hediff_aes128_encrypt_vaes(keys.baseAddress!, bytes, count)
            case .aesNI:
                hediff_aes128_encrypt_ni(keys.baseAddress!, bytes, count)
            case .portable:
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
