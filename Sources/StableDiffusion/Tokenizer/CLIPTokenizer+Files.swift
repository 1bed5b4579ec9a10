import Foundation

extension CLIPTokenizer {
    /// Loads the tokenizer of a diffusers `tokenizer/` folder: `vocab.json` + `merges.txt` when
    /// present (SD v1.x releases), else `tokenizer.json` (what transformers 5 saves). Special
    /// tokens and `model_max_length` come from `tokenizer_config.json` and
    /// `special_tokens_map.json`, with CLIP's defaults when absent.
    ///
    /// - Throws: `TokenizerError` naming the file that is missing, unreadable or not CLIP BPE.
    public init(folder: URL) throws {
        let vocabURL = folder.appendingPathComponent("vocab.json")
        let mergesURL = folder.appendingPathComponent("merges.txt")
        let tokenizerURL = folder.appendingPathComponent("tokenizer.json")
        let files = FileManager.default
        let settings = try TokenizerSettings(folder: folder)
        let vocabulary: [String: Int]
        let merges: [(String, String)]
        var addedTokens: [String: Int] = [:]
        let source: String
        if files.fileExists(atPath: vocabURL.path), files.fileExists(atPath: mergesURL.path) {
            vocabulary = try Self.readVocabulary(vocabURL)
            merges = try Self.readMerges(mergesURL)
            source = mergesURL.path
        } else if files.fileExists(atPath: tokenizerURL.path) {
            (vocabulary, merges, addedTokens) = try Self.readTokenizerJSON(tokenizerURL)
            source = tokenizerURL.path
        } else {
            throw TokenizerError.missingFiles(folder: folder.path)
        }
        try self.init(
            vocabulary: vocabulary, merges: merges, addedTokens: addedTokens,
            startToken: settings.startToken, endToken: settings.endToken, padToken: settings.padToken,
            unknownToken: settings.unknownToken, maxLength: settings.maxLength, source: source)
    }

    private static func readVocabulary(_ url: URL) throws -> [String: Int] {
        do {
            return try JSONDecoder().decode([String: Int].self, from: Data(contentsOf: url))
        } catch {
            throw TokenizerError.invalidFile(file: url.path, reason: "expected a JSON object of token → id (\(error))")
        }
    }

    /// `merges.txt`: an optional `#version` line, then one "left right" pair per line.
    private static func readMerges(_ url: URL) throws -> [(String, String)] {
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            throw TokenizerError.invalidFile(file: url.path, reason: "not readable as UTF-8 text")
        }
        var merges: [(String, String)] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || (number == 0 && line.hasPrefix("#version")) { continue }
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw TokenizerError.invalidFile(file: url.path, reason: "line \(number + 1) is not two tokens separated by one space")
            }
            merges.append((String(parts[0]), String(parts[1])))
        }
        return merges
    }

    /// A tokenizers `tokenizer.json` whose model is BPE with the `</w>` word-end suffix.
    private static func readTokenizerJSON(_ url: URL) throws -> ([String: Int], [(String, String)], [String: Int]) {
        func invalid(_ reason: String) -> TokenizerError { .invalidFile(file: url.path, reason: reason) }
        guard let data = try? Data(contentsOf: url),
              let root = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let model = root["model"] as? [String: Any]
        else {
            throw invalid("expected a JSON object with a \"model\" entry")
        }
        guard model["type"] as? String == "BPE", model["end_of_word_suffix"] as? String == "</w>" else {
            throw TokenizerError.unsupportedTokenizer(
                file: url.path, reason: "the model must be BPE with end_of_word_suffix \"</w>\"")
        }
        guard let vocabulary = model["vocab"] as? [String: Int], let mergeEntries = model["merges"] as? [Any] else {
            throw invalid("model.vocab must map tokens to ids and model.merges must be a list")
        }
        var merges: [(String, String)] = []
        merges.reserveCapacity(mergeEntries.count)
        for (index, entry) in mergeEntries.enumerated() {
            if let pair = entry as? [String], pair.count == 2 {
                merges.append((pair[0], pair[1]))
            } else if let line = entry as? String, case let parts = line.split(separator: " "), parts.count == 2 {
                merges.append((String(parts[0]), String(parts[1])))
            } else {
                throw invalid("model.merges[\(index)] is neither \"left right\" nor [left, right]")
            }
        }
        var added: [String: Int] = [:]
        for entry in root["added_tokens"] as? [[String: Any]] ?? [] {
            guard let content = entry["content"] as? String, let id = entry["id"] as? Int else {
                throw invalid("added_tokens entries need content and id")
            }
            added[content] = id
        }
        return (vocabulary, merges, added)
    }
}

/// Special tokens and maximum length from `tokenizer_config.json` / `special_tokens_map.json`.
private struct TokenizerSettings {
    var startToken = "<|startoftext|>"
    var endToken = "<|endoftext|>"
    var padToken = "<|endoftext|>"
    var unknownToken = "<|endoftext|>"
    var maxLength = 77

    init(folder: URL) throws {
        // special_tokens_map.json first, so tokenizer_config.json wins where both say something.
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            let url = folder.appendingPathComponent(name)
            guard FileManager.default.fileExists(atPath: url.path) else { continue }
            guard let data = try? Data(contentsOf: url),
                  let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else {
                throw TokenizerError.invalidFile(file: url.path, reason: "expected a JSON object")
            }
            startToken = Self.token(object["bos_token"]) ?? startToken
            endToken = Self.token(object["eos_token"]) ?? endToken
            unknownToken = Self.token(object["unk_token"]) ?? unknownToken
            padToken = Self.token(object["pad_token"]) ?? padToken
            if let value = object["model_max_length"], !(value is NSNull) {
                guard let length = value as? Int else {
                    throw TokenizerError.invalidFile(
                        file: url.path,
                        reason: "model_max_length \(value) is not an integer in 2...\(CLIPTokenizer.maximumMaxLength) (CLIP uses 77)")
                }
                try CLIPTokenizer.checkMaxLength(length, file: url.path)
                maxLength = length
            }
        }
    }

    /// A special token is written either as its string or as `{"content": string, …}`.
    private static func token(_ value: Any?) -> String? {
        if let string = value as? String { return string }
        return (value as? [String: Any])?["content"] as? String
    }
}
