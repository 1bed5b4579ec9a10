import Foundation
import StableDiffusion
import XCTest

/// `model_max_length` is bounded: a config asking for more than `CLIPTokenizer.maximumMaxLength`
/// ids per prompt is refused with the file and the key, before anything is padded to it.
final class CLIPTokenizerLimitTests: XCTestCase {
    /// A copy of the tiny model's tokenizer folder whose tokenizer_config.json says `maxLength`.
    private func tokenizerFolder(modelMaxLength json: String) throws -> URL {
        let folder = try Fixtures.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        let copy = folder.appendingPathComponent("tokenizer")
        try FileManager.default.copyItem(at: Fixtures.tinyModel.appendingPathComponent("tokenizer"), to: copy)
        let config = copy.appendingPathComponent("tokenizer_config.json")
        try Data(#"{"model_max_length": \#(json)}"#.utf8).write(to: config)
        return copy
    }

    func testHugeOrNonIntegerLengthsAreRefusedNamingFileAndKey() throws {
        for json in ["1000000000000", "1e30", "4097", "1", "-5", "77.5", "\"77\""] {
            let folder = try tokenizerFolder(modelMaxLength: json)
            XCTAssertThrowsError(try CLIPTokenizer(folder: folder), json) { error in
                let message = "\(error)"
                XCTAssertTrue(message.contains("tokenizer_config.json"), message)
                XCTAssertTrue(message.contains("model_max_length"), message)
            }
        }
    }

    func testLengthsUpToTheCapAreUsed() throws {
        for length in [77, 4096] {
            let tokenizer = try CLIPTokenizer(folder: tokenizerFolder(modelMaxLength: "\(length)"))
            XCTAssertEqual(tokenizer.inputIDs(for: "a cat").inputIDs.count, length)
        }
        XCTAssertEqual(try CLIPTokenizer(folder: tokenizerFolder(modelMaxLength: "null")).maxLength, 77, "null: CLIP's default")
    }

    func testTablesAreBoundedToo() {
        let vocabulary = ["<|startoftext|>": 0, "<|endoftext|>": 1]
        XCTAssertThrowsError(try CLIPTokenizer(vocabulary: vocabulary, merges: [], maxLength: 1 << 40)) { error in
            XCTAssertTrue("\(error)".contains("model_max_length"), "\(error)")
        }
    }
}
