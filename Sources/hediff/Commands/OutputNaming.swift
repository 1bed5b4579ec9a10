import Foundation

/// File names for `--output-dir`, as Apple's StableDiffusion CLI names its images:
/// `<prompt-slug>.<seed>.png`, `.<n>` before `.png` when a prompt has several images, and
/// `-2`, `-3`, … when a name is taken (on disk or earlier in the same run).
struct OutputNaming {
    /// The most characters of a prompt kept in a name.
    static let maximumSlugLength = 80

    private var planned: Set<String> = []

    /// The prompt as a file-name stem: letters and digits kept (lower-cased), every other run of
    /// characters one `_`, at most `maximumSlugLength` characters; `image` for an empty result.
    static func slug(_ prompt: String) -> String {
        var slug = ""
        for character in prompt.lowercased() {
            if character.isLetter || character.isNumber {
                slug.append(character)
            } else if !slug.isEmpty, slug.last != "_" {
                slug.append("_")
            }
            if slug.count >= maximumSlugLength { break }
        }
        while slug.last == "_" { slug.removeLast() }
        return slug.isEmpty ? "image" : slug
    }

    /// Names for `count` images of `prompt` made with `seed` (a number, or `random` for noise
    /// from the key holder's generator), in `directory`; none exists yet or was handed out before.
    mutating func urls(directory: URL, prompt: String, seed: String, count: Int) -> [URL] {
        let stem = Self.slug(prompt) + "." + seed
        return (1...count).map { index in
            let base = count == 1 ? stem : "\(stem).\(index)"
            var candidate = base
            var suffix = 1
            while planned.contains(candidate) || FileManager.default.fileExists(atPath: directory.appendingPathComponent(candidate + ".png").path) {
                suffix += 1
                candidate = "\(base)-\(suffix)"
            }
            planned.insert(candidate)
            return directory.appendingPathComponent(candidate + ".png")
        }
    }
}
