/// Why a CLIP tokenizer could not be loaded from its files.
public enum TokenizerError: Error, Equatable, CustomStringConvertible {
    /// Neither vocab.json + merges.txt nor tokenizer.json is in the folder.
    case missingFiles(folder: String)
    /// A tokenizer file exists but cannot be read or parsed.
    case invalidFile(file: String, reason: String)
    /// The files describe a tokenizer other than CLIP's byte-level BPE.
    case unsupportedTokenizer(file: String, reason: String)

    public var description: String {
        switch self {
        case let .missingFiles(folder):
            return "\(folder) has no tokenizer: expected vocab.json and merges.txt, or tokenizer.json"
        case let .invalidFile(file, reason):
            return "cannot read tokenizer file \(file): \(reason)"
        case let .unsupportedTokenizer(file, reason):
            return "\(file) is not a CLIP BPE tokenizer: \(reason)"
        }
    }
}
