import ObliviousTransfer
import SecretSharing

/// One party's end of a two-party computation: its role, the channel, the ring Z_{2^ℓ} its arithmetic
/// shares live in, and an OT extension in each direction (the server's sender pairs with the client's
/// receiver and vice versa), so either party can play either OT role.
///
/// Both parties call the same protocol methods in the same order, each with its own shares; results are
/// the party's shares of the output. Boolean shares are arrays of bits (0 or 1, one per `UInt8`), XOR
/// shared; arithmetic shares are ring elements, additively shared.
public final class TwoPartySession {
    public let party: Party
    public let channel: any Channel
    public let ring: Ring
    /// This party as OT sender / receiver.
    let otSender: IKNPSender
    let otReceiver: IKNPReceiver
    /// Randomness for masks and triples, seeded by the OS.
    var random = SecureRandom.generator()

    /// Sets up both OT directions: 2 × 128 base OTs, four flights in all.
    public init(party: Party, channel: any Channel, ring: Ring = .z37) throws {
        self.party = party
        self.channel = channel
        self.ring = ring
        if party == .server {
            otSender = try IKNPSender(channel: channel)
            otReceiver = try IKNPReceiver(channel: channel)
        } else {
            otReceiver = try IKNPReceiver(channel: channel)
            otSender = try IKNPSender(channel: channel)
        }
    }

    func randomBits(_ count: Int) -> [UInt8] {
        var bits = [UInt8](repeating: 0, count: count)
        var word: UInt64 = 0
        for i in 0..<count {
            if i & 63 == 0 { word = random.next() }
            bits[i] = UInt8(truncatingIfNeeded: word >> UInt64(i & 63)) & 1
        }
        return bits
    }

    /// Boolean shares must be 0 or 1.
    func checkBits(_ bits: [UInt8]) throws {
        guard bits.allSatisfy({ $0 <= 1 }) else { throw TwoPartyComputeError.notABit }
    }

    func checkLength(_ a: Int, _ b: Int) throws {
        guard a == b else { throw TwoPartyComputeError.lengthMismatch(expected: a, found: b) }
    }
}

/// XOR of two bit vectors.
func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] { zip(a, b).map { $0 ^ $1 } }
