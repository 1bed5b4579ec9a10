/// AES-128's S-box and key expansion in portable Swift (FIPS 197 §5.1.1, §5.2). Only the key schedule is
/// computed this way — once per key; encryption runs on AES-NI (`FixedKeyAES`). The S-box is derived
/// from its definition (inverse in GF(2^8), then the affine map) rather than typed in as a table.
enum AESKeySchedule {
    static let sBox: [UInt8] = {
        func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
            var a = a, b = b, product: UInt8 = 0
            while b != 0 {
                if b & 1 != 0 { product ^= a }
                a = (a << 1) ^ (a & 0x80 != 0 ? 0x1B : 0)
                b >>= 1
            }
            return product
        }
        var box = [UInt8](repeating: 0, count: 256)
        for x in 0..<256 {
            // x^254 = x^-1 in GF(2^8) (and 0 for 0).
            var inverse: UInt8 = 1
            for _ in 0..<254 { inverse = multiply(inverse, UInt8(x)) }
            if x == 0 { inverse = 0 }
            let b = inverse
            func rotl(_ v: UInt8, _ k: UInt8) -> UInt8 { (v << k) | (v >> (8 - k)) }
            box[x] = b ^ rotl(b, 1) ^ rotl(b, 2) ^ rotl(b, 3) ^ rotl(b, 4) ^ 0x63
        }
        return box
    }()

    /// The 11 round keys of AES-128 for a 16-byte key, as blocks in memory order.
    static func expand(key: Block) -> [Block] {
        let keyBytes = key.bytes
        var words = [[UInt8]]()
        for i in 0..<4 { words.append(Array(keyBytes[(4 * i)..<(4 * i + 4)])) }
        var rcon: UInt8 = 1
        for i in 4..<44 {
            var temp = words[i - 1]
            if i % 4 == 0 {
                temp = [sBox[Int(temp[1])] ^ rcon, sBox[Int(temp[2])], sBox[Int(temp[3])], sBox[Int(temp[0])]]
                rcon = (rcon << 1) ^ (rcon & 0x80 != 0 ? 0x1B : 0)
            }
            words.append(zip(words[i - 4], temp).map { $0 ^ $1 })
        }
        return (0..<11).map { round in Block(bytes: words[(4 * round)..<(4 * round + 4)].joined()) }
    }
}
