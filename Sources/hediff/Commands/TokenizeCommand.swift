import ArgumentParser
import Foundation
import StableDiffusion

/// `hediff tokenize`: a prompt's CLIP token ids, as the text encoder receives them.
struct TokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokenize",
        abstract: "Print a prompt's CLIP token ids as a JSON array.",
        discussion: """
            By default the ids are the text encoder's input: the start token, at most 75 tokens, the end \
            token, then padding to 77 (a longer prompt is cut, with a warning on stderr). --unpadded prints \
            every token of the prompt without the special tokens.
            """)

    @Option(help: "A diffusers model folder (its tokenizer/ subfolder is read).")
    var model: String

    @Flag(help: "Print all tokens, without start/end tokens, padding or truncation.")
    var unpadded = false

    @Argument(help: "The text to tokenize.")
    var text: String

    func run() throws {
        let tokenizer = try CLIPTokenizer(folder: URL(fileURLWithPath: model).appendingPathComponent("tokenizer"))
        let ids: [Int]
        if unpadded {
            ids = tokenizer.encode(text)
        } else {
            let prompt = tokenizer.inputIDs(for: text)
            if prompt.droppedTokenCount > 0 {
                printError(
                    "warning: the text is longer than \(tokenizer.maxLength - 2) tokens; "
                        + "its last \(prompt.droppedTokenCount) are cut, as Stable Diffusion does")
            }
            ids = prompt.inputIDs
        }
        print("[" + ids.map(String.init).joined(separator: ", ") + "]")
    }
}
