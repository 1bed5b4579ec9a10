/// GPT-2/CLIP byte-level encoding: every byte maps to one printable character, so that BPE can
/// work on any UTF-8 text without an unknown-token fallback.
enum ByteLevel {
    /// `characters[b]` is the character standing for byte `b`: printable Latin-1 bytes stand for
    /// themselves, the others (controls, space, soft hyphen, …) for U+0100 onward in byte order.
    static let characters: [Character] = {
        var table = [Character](repeating: " ", count: 256)
        var next: UInt32 = 256
        for byte in 0..<256 {
            let printable = (0x21...0x7E).contains(byte) || (0xA1...0xAC).contains(byte) || (0xAE...0xFF).contains(byte)
            if printable {
                table[byte] = Character(Unicode.Scalar(UInt8(byte)))
            } else {
                table[byte] = Character(Unicode.Scalar(next)!)
                next += 1
            }
        }
        return table
    }()
}
