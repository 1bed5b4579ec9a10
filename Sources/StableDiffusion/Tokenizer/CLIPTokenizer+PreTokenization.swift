import Foundation

extension CLIPTokenizer {
    /// A run of raw text, or an added (special) token found verbatim in it.
    enum Segment {
        case text([Unicode.Scalar])
        case added(Int)
    }

    /// Splits out added tokens before any normalization, leftmost-longest, as tokenizers does.
    func splitOnAddedTokens(_ scalars: [Unicode.Scalar]) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var i = 0
        while i < scalars.count {
            if let token = addedTokens.first(where: { scalars.hasPrefix($0.content, at: i) }) {
                if textStart < i { segments.append(.text(Array(scalars[textStart..<i]))) }
                segments.append(.added(token.id))
                i += token.content.count
                textStart = i
            } else {
                i += 1
            }
        }
        if textStart < scalars.count { segments.append(.text(Array(scalars[textStart...]))) }
        return segments
    }

    /// Unicode NFC, every whitespace run replaced by one space, then per-character lowercasing
    /// (full case mapping, no context: Σ always becomes σ).
    func normalize(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var text = ""
        text.unicodeScalars.append(contentsOf: scalars)
        let composed = text.precomposedStringWithCanonicalMapping.unicodeScalars
        var result: [Unicode.Scalar] = []
        result.reserveCapacity(composed.count)
        var inWhitespace = false
        for scalar in composed {
            if scalar.properties.isWhitespace {
                if !inWhitespace { result.append(" ") }
                inWhitespace = true
                continue
            }
            inWhitespace = false
            result.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        }
        return result
    }

    /// Words (as UTF-8 bytes) of normalized text: CLIP's split pattern
    /// `<|startoftext|>|<|endoftext|>|'s|'t|'re|'ve|'m|'ll|'d|\p{L}+|\p{N}|[^\s\p{L}\p{N}]+`
    /// (whitespace dropped), then GPT-2's byte-level split of each match.
    func preTokenize(_ scalars: [Unicode.Scalar]) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var i = 0
        while i < scalars.count {
            let kind = ScalarKind(scalars[i])
            if kind == .whitespace {
                i += 1
                continue
            }
            let end: Int
            if let special = Self.specialPatterns.first(where: { scalars.hasPrefix($0, at: i) }) {
                end = i + special.count
            } else if let length = contractionLength(scalars, at: i) {
                end = i + length
            } else if kind == .number {
                end = i + 1
            } else {
                end = scalars[i...].firstIndex { ScalarKind($0) != kind } ?? scalars.count
            }
            for piece in byteLevelSplit(scalars[i..<end]) {
                var word = ""
                word.unicodeScalars.append(contentsOf: piece)
                words.append(Array(word.utf8))
            }
            i = end
        }
        return words
    }

    /// The two special-token alternatives at the front of CLIP's split pattern. They only
    /// matter when normalization produced them (e.g. from "<|ENDOFTEXT|>"): exact occurrences
    /// in the raw text were already taken out as added tokens.
    static let specialPatterns: [[Unicode.Scalar]] = ["<|startoftext|>", "<|endoftext|>"].map { Array($0.unicodeScalars) }

    /// GPT-2's pattern on one whitespace-free piece: contractions, then maximal runs of
    /// letters, of numbers, or of anything else.
    private func byteLevelSplit(_ slice: ArraySlice<Unicode.Scalar>) -> [ArraySlice<Unicode.Scalar>] {
        let piece = Array(slice)
        var pieces: [ArraySlice<Unicode.Scalar>] = []
        var i = 0
        while i < piece.count {
            let end: Int
            if let length = contractionLength(piece, at: i) {
                end = i + length
            } else {
                let kind = ScalarKind(piece[i])
                end = piece[i...].firstIndex { ScalarKind($0) != kind } ?? piece.count
            }
            pieces.append(piece[i..<end])
            i = end
        }
        return pieces
    }

    /// Length of the contraction (`'s 't 're 've 'm 'll 'd`) starting at `i`, if any.
    private func contractionLength(_ scalars: [Unicode.Scalar], at i: Int) -> Int? {
        guard scalars[i] == "'", i + 1 < scalars.count else { return nil }
        let next = scalars[i + 1]
        if next == "s" || next == "t" || next == "m" || next == "d" { return 2 }
        guard i + 2 < scalars.count else { return nil }
        let pair = (next, scalars[i + 2])
        if pair == ("r", "e") || pair == ("v", "e") || pair == ("l", "l") { return 3 }
        return nil
    }
}

/// The character classes of the split patterns: `\s`, `\p{L}`, `\p{N}` and the rest.
enum ScalarKind {
    case whitespace, letter, number, other

    init(_ scalar: Unicode.Scalar) {
        let properties = scalar.properties
        if properties.isWhitespace {
            self = .whitespace
            return
        }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter:
            self = .letter
        case .decimalNumber, .letterNumber, .otherNumber:
            self = .number
        default:
            self = .other
        }
    }
}

extension Array where Element == Unicode.Scalar {
    /// Whether `prefix` occurs in this array starting at `index`.
    func hasPrefix(_ prefix: [Unicode.Scalar], at index: Int) -> Bool {
        guard index + prefix.count <= count else { return false }
        for (offset, scalar) in prefix.enumerated() where self[index + offset] != scalar {
            return false
        }
        return true
    }
}
