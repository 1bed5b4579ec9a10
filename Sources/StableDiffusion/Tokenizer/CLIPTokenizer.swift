/// The CLIP byte-level BPE tokenizer that Stable Diffusion v1.x conditions on.
///
/// Matches: transformers 5.24 `models/clip/tokenization_clip.py` (`CLIPTokenizer`, backed by
/// tokenizers 0.23: NFC, `\s+` → " ", lowercase, CLIP split regex, byte-level, BPE with `</w>`),
/// checked by the fixture test on 290 strings.
///
/// Reading the vocabulary files lives in `CLIPTokenizer+Files.swift`; this type only holds
/// the tables and the algorithm.
public struct CLIPTokenizer: Sendable {
    /// Token id of `<|startoftext|>` (BOS).
    public let startTokenID: Int
    /// Token id of `<|endoftext|>` (EOS).
    public let endTokenID: Int
    /// Token id used to pad `inputIDs` to `maxLength` (the folder's pad token).
    public let padTokenID: Int
    /// Token id used for symbols missing from the vocabulary.
    public let unknownTokenID: Int
    /// Length of `inputIDs`, BOS and EOS included (77 for SD v1.x).
    public let maxLength: Int
    /// The largest `maxLength` accepted: far above CLIP's 77 (no CLIP text encoder has more
    /// positions), yet small enough that padding every prompt to it costs nothing. A config asking
    /// for more (transformers writes 10^30 for "no limit") is refused instead of allocating it.
    public static let maximumMaxLength = 4096
    /// Number of distinct token ids.
    public let vocabularyCount: Int

    /// Id of each byte's byte-level character, indexed by byte (the unknown id when absent).
    let byteIDs: [Int]
    /// Id of each byte's character followed by `</w>`, for the last byte of a word.
    let wordEndByteIDs: [Int]
    /// Merge table: a pair of adjacent token ids → (merge rank, id of the merged token).
    let merges: [PairKey: (rank: Int, merged: Int)]
    /// Tokens matched verbatim in the raw text before any normalization (special tokens).
    let addedTokens: [(content: [Unicode.Scalar], id: Int)]

    /// Builds a tokenizer from its tables.
    ///
    /// - Parameters:
    ///   - vocabulary: token string → id (byte-level characters, `</w>` marks a word end).
    ///   - merges: BPE merges, highest priority first.
    ///   - addedTokens: tokens recognized verbatim in the text (at least BOS and EOS).
    ///   - startToken, endToken, padToken, unknownToken: special token strings.
    ///   - maxLength: padded length of `inputIDs`, in `2...maximumMaxLength`.
    /// - Throws: `TokenizerError.invalidFile` (with `source` as the file) when a special token or
    ///   a merge result is missing from the vocabulary, or `maxLength` is out of range.
    public init(
        vocabulary: [String: Int],
        merges: [(String, String)],
        addedTokens: [String: Int] = [:],
        startToken: String = "<|startoftext|>",
        endToken: String = "<|endoftext|>",
        padToken: String = "<|endoftext|>",
        unknownToken: String = "<|endoftext|>",
        maxLength: Int = 77,
        source: String = "(tables)"
    ) throws {
        let all = vocabulary.merging(addedTokens) { _, added in added }
        func id(of token: String, _ role: String) throws -> Int {
            guard let id = all[token] else {
                throw TokenizerError.invalidFile(file: source, reason: "\(role) token \(token) is not in the vocabulary")
            }
            return id
        }
        startTokenID = try id(of: startToken, "start")
        endTokenID = try id(of: endToken, "end")
        padTokenID = try id(of: padToken, "pad")
        unknownTokenID = try id(of: unknownToken, "unknown")
        try Self.checkMaxLength(maxLength, file: source)
        self.maxLength = maxLength
        vocabularyCount = Set(all.values).count
        var table: [PairKey: (rank: Int, merged: Int)] = [:]
        for (rank, (left, right)) in merges.enumerated() {
            guard let a = vocabulary[left], let b = vocabulary[right], let merged = vocabulary[left + right] else {
                throw TokenizerError.invalidFile(
                    file: source, reason: "merge \(rank + 1) \"\(left) \(right)\" uses a token missing from the vocabulary")
            }
            let key = PairKey(a, b)
            if table[key] == nil { table[key] = (rank, merged) }
        }
        self.merges = table
        let unknown = unknownTokenID
        let characters = ByteLevel.characters
        byteIDs = characters.map { vocabulary[String($0)] ?? unknown }
        wordEndByteIDs = characters.map { vocabulary[String($0) + "</w>"] ?? unknown }
        var specials = addedTokens
        for token in [startToken, endToken, padToken, unknownToken] { specials[token] = all[token] }
        // Longest first, so that leftmost-longest matching reduces to "first that fits".
        self.addedTokens = specials.map { (Array($0.key.unicodeScalars), $0.value) }
            .sorted { ($0.content.count, $0.id) > ($1.content.count, $1.id) }
    }

    /// Refuses a `model_max_length` outside `2...maximumMaxLength`, naming `file`: BOS and EOS
    /// need two places, and padding allocates `maxLength` ids per prompt.
    static func checkMaxLength(_ maxLength: Int, file: String) throws {
        guard (2...maximumMaxLength).contains(maxLength) else {
            throw TokenizerError.invalidFile(
                file: file, reason: "model_max_length \(maxLength) is outside 2...\(maximumMaxLength) (CLIP uses 77)")
        }
    }

    /// Token ids of `text` without BOS/EOS, padding or truncation.
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        for segment in splitOnAddedTokens(Array(text.unicodeScalars)) {
            switch segment {
            case let .added(id):
                ids.append(id)
            case let .text(piece):
                for word in preTokenize(normalize(piece)) {
                    ids.append(contentsOf: bytePairEncode(word))
                }
            }
        }
        return ids
    }

    /// The text encoder's input for one prompt, as `StableDiffusionPipeline` builds it:
    /// BOS, the first `maxLength − 2` tokens, EOS, then pad tokens up to `maxLength`.
    public func inputIDs(for text: String) -> TokenizedPrompt {
        let tokens = encode(text)
        let kept = tokens.prefix(maxLength - 2)
        var ids = [startTokenID] + kept + [endTokenID]
        ids += Array(repeating: padTokenID, count: maxLength - ids.count)
        return TokenizedPrompt(inputIDs: ids, droppedTokenCount: tokens.count - kept.count)
    }
}

/// A prompt's padded token ids and how much of it did not fit.
public struct TokenizedPrompt: Sendable, Equatable {
    /// Exactly `maxLength` ids: BOS, tokens, EOS, padding.
    public var inputIDs: [Int]
    /// Tokens cut off the end of a prompt longer than `maxLength − 2` tokens (0 when it fit);
    /// diffusers truncates the same way and logs a warning, which callers should surface.
    public var droppedTokenCount: Int
}

/// Two adjacent token ids, hashed as one 64-bit key.
struct PairKey: Hashable {
    let bits: UInt64
    init(_ left: Int, _ right: Int) {
        bits = UInt64(UInt32(truncatingIfNeeded: left)) << 32 | UInt64(UInt32(truncatingIfNeeded: right))
    }
}
