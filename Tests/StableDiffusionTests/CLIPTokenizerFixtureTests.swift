import Foundation
import StableDiffusion
import XCTest

/// The tokenizer against transformers' CLIPTokenizer on 290 recorded strings (exact ids).
final class CLIPTokenizerFixtureTests: XCTestCase {
    private struct Record: Decodable {
        struct Case: Decodable {
            var text: String
            var ids: [Int]
            var input_ids: [Int]
        }
        var pad_token_id: Int
        var model_max_length: Int
        var cases: [Case]
    }

    private func check(folder: URL, record name: String) throws {
        let tokenizer = try CLIPTokenizer(folder: folder)
        let data = try Data(contentsOf: Fixtures.records.appendingPathComponent(name))
        let record = try JSONDecoder().decode(Record.self, from: data)
        XCTAssertEqual(tokenizer.padTokenID, record.pad_token_id)
        XCTAssertEqual(tokenizer.maxLength, record.model_max_length)
        XCTAssertGreaterThanOrEqual(record.cases.count, 200)
        var mismatches = 0
        for item in record.cases {
            let ids = tokenizer.encode(item.text)
            let prompt = tokenizer.inputIDs(for: item.text)
            if ids != item.ids || prompt.inputIDs != item.input_ids {
                mismatches += 1
                XCTFail("\(item.text.debugDescription): ids \(ids) expected \(item.ids); input_ids \(prompt.inputIDs) expected \(item.input_ids)")
            }
            XCTAssertEqual(prompt.droppedTokenCount, max(0, item.ids.count - (record.model_max_length - 2)), item.text.debugDescription)
        }
        XCTAssertEqual(mismatches, 0)
    }

    func testFullVocabularyMatchesTransformers() throws {
        try check(folder: Fixtures.tinyModel.appendingPathComponent("tokenizer"), record: "tokenizer_ids.json")
    }

    func testTokenizerJSONMatchesTransformers() throws {
        try check(folder: Fixtures.root.appendingPathComponent("tokenizer-json-only"), record: "tokenizer_json_only_ids.json")
    }

    func testFullVocabularyHasCLIPSpecialTokens() throws {
        let tokenizer = try CLIPTokenizer(folder: Fixtures.tinyModel.appendingPathComponent("tokenizer"))
        XCTAssertEqual(tokenizer.vocabularyCount, 49408)
        XCTAssertEqual(tokenizer.startTokenID, 49406)
        XCTAssertEqual(tokenizer.endTokenID, 49407)
    }

    func testMissingFilesAreReported() throws {
        let folder = try Fixtures.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        XCTAssertThrowsError(try CLIPTokenizer(folder: folder)) { error in
            XCTAssertEqual(error as? TokenizerError, .missingFiles(folder: folder.path))
        }
    }

    func testMalformedMergesAreReported() throws {
        let folder = try Fixtures.temporaryDirectory()
        addTeardownBlock { try? FileManager.default.removeItem(at: folder) }
        try Data(#"{"a":0,"b":1,"a</w>":2,"b</w>":3,"ab</w>":4,"<|startoftext|>":5,"<|endoftext|>":6}"#.utf8)
            .write(to: folder.appendingPathComponent("vocab.json"))
        let merges = folder.appendingPathComponent("merges.txt")
        try Data("#version: 0.2\na b</w> extra\n".utf8).write(to: merges)
        XCTAssertThrowsError(try CLIPTokenizer(folder: folder)) { error in
            guard case .invalidFile(let file, _)? = error as? TokenizerError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, merges.path)
        }
        try Data("#version: 0.2\na c</w>\n".utf8).write(to: merges)
        XCTAssertThrowsError(try CLIPTokenizer(folder: folder)) { error in
            XCTAssertTrue("\(error)".contains("a c</w>"), "\(error)")
        }
        try Data("#version: 0.2\na b</w>\n".utf8).write(to: merges)
        let tokenizer = try CLIPTokenizer(folder: folder)
        XCTAssertEqual(tokenizer.encode("ab"), [4])
        XCTAssertEqual(tokenizer.encode("ba"), [1, 2])
    }
}
