import Crypto
import _CryptoExtras
import Foundation

/// A 32-byte seed for a deterministic random stream.
///
/// Seeds of public streams (a seeded ciphertext's c_1) travel in messages; a stream that
/// determines secrets is seeded inside `AESCTRGenerator.system()` and never becomes a
/// `RandomSeed`. The description and reflection show no bytes.
public struct RandomSeed: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The seed's bytes.
    public let bytes: [UInt8]

    public static let byteCount = 32

    /// Wraps exactly 32 bytes; returns nil for any other length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == RandomSeed.byteCount else { return nil }
        self.bytes = bytes
    }

    /// A fresh seed from the operating system's entropy source (getrandom on Linux).
    public static func system() -> RandomSeed {
        var generator = SystemRandomNumberGenerator()
        var bytes = [UInt8](repeating: 0, count: byteCount)
        for i in stride(from: 0, to: byteCount, by: 8) {
            withUnsafeBytes(of: generator.next() as UInt64) { word in
                for j in 0..<8 { bytes[i + j] = word[j] }
            }
        }
        return RandomSeed(bytes: bytes)!
    }

    public var description: String { "RandomSeed(\(RandomSeed.byteCount) bytes)" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// A cryptographically secure pseudorandom stream: AES-256 in counter mode keyed by a seed.
///
/// Production code keys it from the operating system (`system()`); a seed is also how a symmetric
/// ciphertext's uniform polynomial is expanded again by the receiver. The keystream is produced
/// in 64 KiB chunks; chunk k uses the 16-byte counter block stream (u64 LE) ‖ k (u32 LE) ‖ 0 (u32),
/// incremented big-endian per 16-byte block, so no block is ever produced twice. The buffered
/// keystream is overwritten in place at each refill and zeroed when the generator is released;
/// the key lives in swift-crypto's `SymmetricKey`, which zeroes itself.
public struct AESCTRGenerator: RandomBytesGenerator, CustomStringConvertible, CustomReflectable {
    private let key: SymmetricKey
    private let stream: UInt64
    private var chunkIndex: UInt32 = 0
    private var keystream: Keystream?
    private var position = 0

    private static let chunkBytes = 1 << 16
    private static let zeros = [UInt8](repeating: 0, count: chunkBytes)

    /// A generator whose output is determined by `seed` and `stream`.
    public init(seed: RandomSeed, stream: UInt64 = 0) {
        self.init(key: SymmetricKey(data: seed.bytes), stream: stream)
    }

    private init(key: SymmetricKey, stream: UInt64) {
        self.key = key
        self.stream = stream
    }

    /// A generator keyed from the operating system's entropy. The key's bytes go straight from
    /// the OS into swift-crypto's self-zeroing key storage.
    public static func system(stream: UInt64 = 0) -> AESCTRGenerator {
        AESCTRGenerator(key: SymmetricKey(size: .bits256), stream: stream)
    }

    /// The next chunk of keystream, written over the previous one.
    private mutating func refill() {
        var nonce = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: stream.littleEndian) { for i in 0..<8 { nonce[i] = $0[i] } }
        withUnsafeBytes(of: chunkIndex.littleEndian) { for i in 0..<4 { nonce[8 + i] = $0[i] } }
        chunkIndex &+= 1
        // A copy of this generator may still be reading the current chunk: take a buffer of our own.
        if !isKnownUniquelyReferenced(&keystream) {
            keystream = Keystream(byteCount: AESCTRGenerator.chunkBytes)
        }
        do {
            var chunk = try AES._CTR.encrypt(AESCTRGenerator.zeros, using: key, nonce: try AES._CTR.Nonce(nonceBytes: nonce))
            chunk.withUnsafeMutableBytes { source in
                keystream!.bytes.copyMemory(from: UnsafeRawBufferPointer(source))
                SecureZero.zero(source, "AES-CTR chunk")
            }
        } catch {
            // A 16-byte nonce and a 32-byte key are always accepted; failing here means BoringSSL is broken.
            fatalError("AES-CTR keystream generation failed: \(error)")
        }
        position = 0
    }

    /// Fills `destination` with keystream bytes.
    public mutating func fill(_ destination: UnsafeMutableRawBufferPointer) {
        var written = 0
        while written < destination.count {
            if keystream == nil || position == AESCTRGenerator.chunkBytes { refill() }
            let take = min(AESCTRGenerator.chunkBytes - position, destination.count - written)
            (destination.baseAddress! + written).copyMemory(from: keystream!.bytes.baseAddress! + position, byteCount: take)
            position += take
            written += take
        }
    }

    public mutating func next() -> UInt64 {
        if let keystream, AESCTRGenerator.chunkBytes - position >= 8 {
            let value = keystream.bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            position += 8
            return UInt64(littleEndian: value)
        }
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return UInt64(littleEndian: value)
    }

    public var description: String { "AESCTRGenerator(stream \(stream))" }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}

/// One chunk of AES-CTR keystream in memory of its own, zeroed when released.
private final class Keystream {
    let bytes: UnsafeMutableRawBufferPointer

    init(byteCount: Int) {
        bytes = .allocate(byteCount: byteCount, alignment: 16)
        bytes.initializeMemory(as: UInt8.self, repeating: 0)
    }

    deinit {
        SecureZero.zero(bytes, "AES-CTR keystream")
        bytes.deallocate()
    }
}

/// A random number generator that can also fill a buffer with random bytes efficiently.
public protocol RandomBytesGenerator: RandomNumberGenerator {
    /// Fills `destination` with random bytes.
    mutating func fill(_ destination: UnsafeMutableRawBufferPointer)
}
