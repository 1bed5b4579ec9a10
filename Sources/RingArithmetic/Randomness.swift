import Crypto
import _CryptoExtras
import Foundation

/// A 32-byte seed for a deterministic random stream.
public struct RandomSeed: Sendable, Equatable {
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
}

/// A cryptographically secure pseudorandom stream: AES-256 in counter mode keyed by a seed.
///
/// Production code seeds it from the operating system (`RandomSeed.system()`); a seed is also how a
/// symmetric ciphertext's uniform polynomial is expanded again by the receiver. The keystream is
/// produced in 64 KiB chunks; each chunk has its own nonce (stream id, chunk index) and a 32-bit
/// block counter that starts at zero, so no block is ever produced twice.
public struct AESCTRGenerator: RandomBytesGenerator {
    private let key: SymmetricKey
    private let stream: UInt64
    private var chunkIndex: UInt32 = 0
    private var buffer: [UInt8] = []
    private var position = 0

    private static let chunkBytes = 1 << 16
    private static let zeros = [UInt8](repeating: 0, count: chunkBytes)

    /// A generator whose output is determined by `seed` and `stream`.
    public init(seed: RandomSeed, stream: UInt64 = 0) {
        self.key = SymmetricKey(data: seed.bytes)
        self.stream = stream
    }

    /// A generator seeded from the operating system's entropy.
    public static func system() -> AESCTRGenerator {
        AESCTRGenerator(seed: .system())
    }

    private mutating func refill() {
        var nonce = [UInt8](repeating: 0, count: 16)
        withUnsafeBytes(of: stream.littleEndian) { for i in 0..<8 { nonce[i] = $0[i] } }
        withUnsafeBytes(of: chunkIndex.littleEndian) { for i in 0..<4 { nonce[8 + i] = $0[i] } }
        chunkIndex &+= 1
        do {
            let ctrNonce = try AES._CTR.Nonce(nonceBytes: nonce)
            buffer = Array(try AES._CTR.encrypt(AESCTRGenerator.zeros, using: key, nonce: ctrNonce))
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
            if position == buffer.count { refill() }
            let take = min(buffer.count - position, destination.count - written)
            buffer.withUnsafeBytes { src in
                (destination.baseAddress! + written).copyMemory(from: src.baseAddress! + position, byteCount: take)
            }
            position += take
            written += take
        }
    }

    public mutating func next() -> UInt64 {
        if buffer.count - position >= 8 {
            let value = buffer.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: position, as: UInt64.self) }
            position += 8
            return UInt64(littleEndian: value)
        }
        var value: UInt64 = 0
        withUnsafeMutableBytes(of: &value) { fill($0) }
        return UInt64(littleEndian: value)
    }
}

/// A random number generator that can also fill a buffer with random bytes efficiently.
public protocol RandomBytesGenerator: RandomNumberGenerator {
    /// Fills `destination` with random bytes.
    mutating func fill(_ destination: UnsafeMutableRawBufferPointer)
}
