import Foundation
import FuzzSupport
import StableDiffusion

/// `CLIPTokenizer(folder:)` on mutated tokenizer files, then the tokenizer on a mutated prompt.
/// An input is a `FileBundle` of `vocab.json`, `merges.txt`, `tokenizer.json`,
/// `tokenizer_config.json`, `special_tokens_map.json` and the prompt's UTF-8 text; the files are
/// written to a scratch tokenizer folder and loaded as a model folder's tokenizer is, and the
/// prompt is turned into the text encoder's input ids (`inputIDs(for:)`), as a generation does.
struct TokenizerTarget: FuzzTarget {
    static let files = ["vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"]
    let bundle: FileBundle

    init() throws { bundle = try FileBundle(paths: Self.files + ["prompt.txt"], name: "tokenizer") }

    func fuzz(_ bytes: [UInt8]) {
        bundle.write(bytes)
        guard let tokenizer = try? CLIPTokenizer(folder: bundle.folder) else { return }
        let sections = bundle.sections(of: bytes)
        let prompt = sections.count == Self.files.count + 1 ? String(decoding: sections[Self.files.count], as: UTF8.self) : ""
        _ = tokenizer.inputIDs(for: prompt)
    }

    /// Cut-down CLIP tokenizers in both layouts, with the embedded model's and the fixture's
    /// settings files, and prompts with special tokens, punctuation, digits and non-ASCII text.
    static func seeds() throws -> [(name: String, bytes: [UInt8])] {
        let tables = try TokenizerSeeds(folder: "Models/tiny-shapes/tokenizer", mergeCount: 300)
        let config = try RepositoryFiles.bytes("Models/tiny-shapes/tokenizer/tokenizer_config.json")
        let specials = try RepositoryFiles.bytes("Models/tiny-shapes/tokenizer/special_tokens_map.json")
        let prompts = [
            "a large red circle on the left, blue background",
            "<|startoftext|>Hello,   WORLD!! it's 2026 — naïve café 東京 🚀<|endoftext|> x",
        ]
        var seeds: [(name: String, bytes: [UInt8])] = []
        for (index, prompt) in prompts.enumerated() {
            seeds.append(("vocab-merges-\(index)", FileBundle.join([tables.vocabularyJSON, tables.mergesText, nil, config, specials, Array(prompt.utf8)])))
            seeds.append(("tokenizer-json-\(index)", FileBundle.join([nil, nil, tables.tokenizerJSON, config, nil, Array(prompt.utf8)])))
        }
        return seeds
    }
}

FuzzMain.run(TokenizerTarget.self)
