import Foundation

/// The prompts of a run: `--prompt`, or `--prompt-file` with one prompt per line (blank lines
/// and surrounding whitespace dropped), read and checked before the model loads.
enum PromptList {
    /// The most bytes a prompt file may have (a million short prompts).
    static let maximumByteCount = 64 << 20

    /// - Throws: `ValidationErrorMessage` naming the file when it cannot be read, is not UTF-8,
    ///   is too large or holds no prompt.
    static func read(_ path: String) throws -> [String] {
        let url = URL(fileURLWithPath: path)
        let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
        guard let size = attributes?[.size] as? Int, attributes?[.type] as? FileAttributeType == .typeRegular else {
            throw ValidationErrorMessage("--prompt-file \(path): not a readable regular file")
        }
        guard size <= maximumByteCount else { throw ValidationErrorMessage("--prompt-file \(path): \(size) bytes is more than \(maximumByteCount)") }
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            throw ValidationErrorMessage("--prompt-file \(path): cannot be read as UTF-8 text")
        }
        let prompts = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !prompts.isEmpty else { throw ValidationErrorMessage("--prompt-file \(path): holds no prompt (one per line)") }
        return prompts
    }
}
