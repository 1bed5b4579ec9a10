/// A zlib (RFC 1950) / DEFLATE (RFC 1951) decompressor for PNG image data.
///
/// Every read is bounds-checked and the output is capped at the size the PNG header announces,
/// so malformed or hostile input ends in `ImageError`, never in a crash or an unbounded allocation.
struct Inflater {
    private let input: [UInt8]
    private var position = 0
    private var bitBuffer: UInt64 = 0
    private var bitCount = 0
    private var output: [UInt8] = []
    private let outputLimit: Int

    /// Decompresses the zlib stream `input`, which must inflate to exactly `expectedCount` bytes.
    static func inflateZlib(_ input: [UInt8], expectedCount: Int) throws -> [UInt8] {
        guard input.count >= 6 else { throw ImageError.truncated("zlib stream shorter than its header and checksum") }
        let cmf = input[0]
        let flags = input[1]
        guard cmf & 0x0F == 8, cmf >> 4 <= 7, (UInt16(cmf) << 8 | UInt16(flags)) % 31 == 0 else {
            throw ImageError.corrupt("invalid zlib header")
        }
        guard flags & 0x20 == 0 else { throw ImageError.corrupt("zlib preset dictionary is not allowed in PNG") }
        var inflater = Inflater(input: input, outputLimit: expectedCount)
        inflater.position = 2
        try inflater.run()
        guard inflater.output.count == expectedCount else {
            throw ImageError.truncated("image data inflates to \(inflater.output.count) bytes, expected \(expectedCount)")
        }
        inflater.alignToByte()
        let end = inflater.position - inflater.bitCount / 8
        guard end + 4 <= input.count else { throw ImageError.truncated("zlib checksum missing") }
        let stored = input[end..<(end + 4)].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        guard stored == Checksum.adler32(inflater.output) else { throw ImageError.corrupt("zlib Adler-32 mismatch") }
        return inflater.output
    }

    private init(input: [UInt8], outputLimit: Int) {
        self.input = input
        self.outputLimit = outputLimit
        output.reserveCapacity(outputLimit)
    }

    private mutating func bits(_ count: Int) throws -> Int {
        while bitCount < count {
            guard position < input.count else { throw ImageError.truncated("zlib stream ends inside a block") }
            bitBuffer |= UInt64(input[position]) << UInt64(bitCount)
            position += 1
            bitCount += 8
        }
        let value = Int(bitBuffer & ((1 << UInt64(count)) - 1))
        bitBuffer >>= UInt64(count)
        bitCount -= count
        return value
    }

    private mutating func alignToByte() {
        let drop = bitCount % 8
        bitBuffer >>= UInt64(drop)
        bitCount -= drop
    }

    private mutating func emit(_ byte: UInt8) throws {
        guard output.count < outputLimit else { throw ImageError.corrupt("image data inflates past its announced size") }
        output.append(byte)
    }

    private mutating func run() throws {
        var isFinal = false
        while !isFinal {
            isFinal = try bits(1) == 1
            switch try bits(2) {
            case 0: try storedBlock()
            case 1: try huffmanBlock(literals: Self.fixedLiterals, distances: Self.fixedDistances)
            case 2:
                let (literals, distances) = try dynamicTables()
                try huffmanBlock(literals: literals, distances: distances)
            default: throw ImageError.corrupt("invalid DEFLATE block type 3")
            }
        }
    }

    private mutating func storedBlock() throws {
        alignToByte()
        let length = try bits(16)
        let complement = try bits(16)
        guard length == ~complement & 0xFFFF else { throw ImageError.corrupt("stored block length check failed") }
        for _ in 0..<length { try emit(UInt8(try bits(8))) }
    }

    private mutating func huffmanBlock(literals: HuffmanCode, distances: HuffmanCode) throws {
        while true {
            let symbol = try decode(literals)
            if symbol < 256 {
                try emit(UInt8(symbol))
            } else if symbol == 256 {
                return
            } else {
                let lengthIndex = symbol - 257
                guard lengthIndex < Self.lengthBase.count else { throw ImageError.corrupt("invalid length symbol") }
                let length = Self.lengthBase[lengthIndex] + (try bits(Self.lengthExtra[lengthIndex]))
                let distanceSymbol = try decode(distances)
                guard distanceSymbol < Self.distanceBase.count else { throw ImageError.corrupt("invalid distance symbol") }
                let distance = Self.distanceBase[distanceSymbol] + (try bits(Self.distanceExtra[distanceSymbol]))
                guard distance <= output.count else { throw ImageError.corrupt("back-reference before the start of data") }
                let start = output.count - distance
                for k in 0..<length { try emit(output[start + k]) }
            }
        }
    }

    private mutating func dynamicTables() throws -> (HuffmanCode, HuffmanCode) {
        let literalCount = try bits(5) + 257
        let distanceCount = try bits(5) + 1
        let codeLengthCount = try bits(4) + 4
        guard literalCount <= 286, distanceCount <= 30 else { throw ImageError.corrupt("too many Huffman codes") }
        var codeLengthLengths = [Int](repeating: 0, count: 19)
        for i in 0..<codeLengthCount { codeLengthLengths[Self.codeLengthOrder[i]] = try bits(3) }
        let codeLengthCode = try HuffmanCode(lengths: codeLengthLengths).checked()

        var lengths: [Int] = []
        while lengths.count < literalCount + distanceCount {
            let symbol = try decode(codeLengthCode)
            switch symbol {
            case 0..<16:
                lengths.append(symbol)
            case 16:
                guard let previous = lengths.last else { throw ImageError.corrupt("length repeat with no previous length") }
                lengths += repeatElement(previous, count: 3 + (try bits(2)))
            case 17:
                lengths += repeatElement(0, count: 3 + (try bits(3)))
            default:
                lengths += repeatElement(0, count: 11 + (try bits(7)))
            }
        }
        guard lengths.count == literalCount + distanceCount else { throw ImageError.corrupt("code lengths overrun") }
        guard lengths[256] != 0 else { throw ImageError.corrupt("missing end-of-block code") }
        return (
            try HuffmanCode(lengths: Array(lengths[0..<literalCount])).checked(),
            try HuffmanCode(lengths: Array(lengths[literalCount...])).checked()
        )
    }

    /// Reads one symbol, walking the canonical code one bit at a time.
    private mutating func decode(_ code: HuffmanCode) throws -> Int {
        var value = 0
        var first = 0
        var index = 0
        for length in 1...15 {
            value |= try bits(1)
            let count = code.counts[length]
            if value - first < count { return code.symbols[index + value - first] }
            index += count
            first = (first + count) << 1
            value <<= 1
        }
        throw ImageError.corrupt("invalid Huffman code")
    }

    private static let codeLengthOrder = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]
    private static let lengthBase = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    private static let lengthExtra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    private static let distanceBase = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
        4097, 6145, 8193, 12289, 16385, 24577,
    ]
    private static let distanceExtra = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
    ]
    private static let fixedLiterals = HuffmanCode(
        lengths: Array(repeating: 8, count: 144) + Array(repeating: 9, count: 112)
            + Array(repeating: 7, count: 24) + Array(repeating: 8, count: 8))
    private static let fixedDistances = HuffmanCode(lengths: Array(repeating: 5, count: 30))
}

/// A canonical Huffman code as counts per code length and symbols in code order.
struct HuffmanCode {
    let counts: [Int]
    let symbols: [Int]
    /// Whether the lengths claim more codes than exist (then the code is unusable).
    let isOverSubscribed: Bool

    /// Builds the code from per-symbol lengths in 0...15 (0 = unused).
    init(lengths: [Int]) {
        var counts = [Int](repeating: 0, count: 16)
        for length in lengths { counts[length] += 1 }
        var left = 1
        var overSubscribed = false
        for length in 1...15 {
            left = left << 1 - counts[length]
            if left < 0 { overSubscribed = true }
        }
        isOverSubscribed = overSubscribed
        var offsets = [Int](repeating: 0, count: 16)
        for length in 1..<15 { offsets[length + 1] = offsets[length] + counts[length] }
        var symbols = [Int](repeating: 0, count: lengths.count)
        for (symbol, length) in lengths.enumerated() where length != 0 {
            symbols[offsets[length]] = symbol
            offsets[length] += 1
        }
        counts[0] = 0
        self.counts = counts
        self.symbols = symbols
    }
}

extension HuffmanCode {
    /// The code itself, or `ImageError.corrupt` when its lengths are over-subscribed.
    func checked() throws -> HuffmanCode {
        guard !isOverSubscribed else { throw ImageError.corrupt("over-subscribed Huffman code") }
        return self
    }
}
