import Foundation
import StableDiffusion

/// Small CLIP tokenizers cut from a full one, to seed the tokenizer and model-folder targets: the
/// full vocabulary (850 KB) and merge list (520 KB) would make every input megabytes long.
///
/// CLIP's vocabulary lists the 512 byte-level tokens first, then each merge's result in merge
/// order, then the two special tokens; keeping the first `mergeCount` merges, the ids below
/// 512 + `mergeCount` and the special tokens therefore gives a consistent tokenizer.
public struct TokenizerSeeds {
    public let vocabularyJSON: [UInt8]
    public let mergesText: [UInt8]
    /// The same tables as a tokenizers `tokenizer.json` (what transformers 5 saves).
    public let tokenizerJSON: [UInt8]

    public init(folder: String, mergeCount: Int) throws {
        let vocabulary = try JSONDecoder().decode([String: Int].self, from: Data(RepositoryFiles.bytes("\(folder)/vocab.json")))
        let lines = String(decoding: try RepositoryFiles.bytes("\(folder)/merges.txt"), as: UTF8.self)
            .split(separator: "\n").filter { !$0.hasPrefix("#version") }
        let specials = ["<|startoftext|>", "<|endoftext|>"]
        let kept = vocabulary.filter { $0.value < 512 + mergeCount || specials.contains($0.key) }
        let merges = lines.prefix(mergeCount).map(String.init)
        let pairs = merges.map { line -> (String, String) in
            let parts = line.split(separator: " ")
            return (String(parts[0]), String(parts[1]))
        }
        // Refuses to write seeds the library would not load.
        _ = try CLIPTokenizer(vocabulary: kept, merges: pairs)

        vocabularyJSON = [UInt8](try JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys]))
        mergesText = Array(("#version: 0.2\n" + merges.joined(separator: "\n") + "\n").utf8)
        let tokenizer: [String: Any] = [
            "model": ["type": "BPE", "end_of_word_suffix": "</w>", "vocab": kept, "merges": merges] as [String: Any],
            "added_tokens": specials.map { ["content": $0, "id": kept[$0]!, "special": true] as [String: Any] },
        ]
        tokenizerJSON = [UInt8](try JSONSerialization.data(withJSONObject: tokenizer, options: [.sortedKeys]))
    }
}
