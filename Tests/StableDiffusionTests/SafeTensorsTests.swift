import Foundation
import StableDiffusion
import XCTest
import _TestSupport

final class SafeTensorsTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = try Fixtures.temporaryDirectory()
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: folder)
    }

    /// A file with `header` as its JSON header (padded as given) and `dataCount` zero bytes.
    private func rawFile(header: String, dataCount: Int, declaredLength: UInt64? = nil) throws -> URL {
        let json = Data(header.utf8)
        var bytes = Data()
        withUnsafeBytes(of: (declaredLength ?? UInt64(json.count)).littleEndian) { bytes.append(contentsOf: $0) }
        bytes.append(json)
        bytes.append(Data(count: dataCount))
        let url = folder.appendingPathComponent("raw-\(UUID().uuidString).safetensors")
        try bytes.write(to: url)
        return url
    }

    private func assertInvalid(_ url: URL, tensor: String? = nil, _ fragment: String, line: UInt = #line) {
        XCTAssertThrowsError(try SafeTensors(contentsOf: url), line: line) { error in
            guard let error = error as? SafeTensorsError else { return XCTFail("\(error)", line: line) }
            switch error {
            case let .invalidHeader(file, reason):
                XCTAssertNil(tensor, "\(error)", line: line)
                XCTAssertEqual(file, url.path, line: line)
                XCTAssertTrue(reason.contains(fragment), "\(reason)", line: line)
            case let .invalidTensor(file, name, reason):
                XCTAssertEqual(name, tensor, "\(error)", line: line)
                XCTAssertEqual(file, url.path, line: line)
                XCTAssertTrue(reason.contains(fragment), "\(reason)", line: line)
            default:
                XCTFail("\(error)", line: line)
            }
        }
    }

    func testRoundTripFloat32() throws {
        let url = folder.appendingPathComponent("a.safetensors")
        let values: [Float] = [0, -1.5, .pi, 1e-30, -.infinity, 65504, 3.3e38]
        try SafeTensorsWriter(metadata: ["format": "pt"]).write(
            ["w": .init(shape: [7], scalars: values), "b": .init(shape: [2, 0], scalars: []),
             "m": .init(shape: [2, 3], scalars: [1, 2, 3, 4, 5, 6])],
            to: url)
        let file = try SafeTensors(contentsOf: url)
        XCTAssertEqual(file.names, ["b", "m", "w"])
        XCTAssertEqual(file.metadata, ["format": "pt"])
        XCTAssertEqual(try file.floats(named: "w"), values)
        XCTAssertEqual(try file.floats(named: "b"), [])
        let m = try file.tensor(named: "m", shape: [2, 3])
        XCTAssertEqual(m.shape, [2, 3])
        XCTAssertEqual(m.scalars, [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(file.tensors["m"]?.dtype, .float32)
    }

    /// F16/BF16 decoding against hand-derived IEEE values (exact in both formats).
    func testHalfPrecisionValues() throws {
        let exact: [Float] = [0, -0.0, 1, -2, 0.5, 0.099975586, 65504, 0x1p-14, 0x1p-24, 3 * 0x1p-24, .infinity, -.infinity]
        let url = folder.appendingPathComponent("h.safetensors")
        try SafeTensorsWriter(dtype: .float16).write(["h": .init(shape: [exact.count], scalars: exact)], to: url)
        XCTAssertEqual(try SafeTensors(contentsOf: url).floats(named: "h"), exact)
        // Rounding to nearest even: 1 + 2^-11 is a tie between 1 and 1 + 2^-10; 70000 overflows.
        try SafeTensorsWriter(dtype: .float16).write(
            ["h": .init(shape: [4], scalars: [1 + 0x1p-11, 1 + 3 * 0x1p-11, 70000, .nan])], to: url)
        let rounded = try SafeTensors(contentsOf: url).floats(named: "h")
        XCTAssertEqual(Array(rounded[0..<3]), [1, 1 + 0x1p-9, .infinity])
        XCTAssertTrue(rounded[3].isNaN)

        let bf16: [Float] = [0, 1, -3.5, 0x1p-130, 1.0078125, 3.3895314e38, -.infinity]
        try SafeTensorsWriter(dtype: .bfloat16).write(["b": .init(shape: [bf16.count], scalars: bf16)], to: url)
        let file = try SafeTensors(contentsOf: url)
        XCTAssertEqual(file.tensors["b"]?.dtype, .bfloat16)
        XCTAssertEqual(try file.floats(named: "b"), bf16)
    }

    /// The fixture text encoder is stored as F16 by torch; its values must come back exactly
    /// as torch would upcast them, which the module records depend on. Spot-check structure.
    func testReadsTorchWrittenFloat16File() throws {
        let file = try SafeTensors(contentsOf: Fixtures.tinyModel.appendingPathComponent("text_encoder/model.safetensors"))
        let embedding = try XCTUnwrap(file.tensors["text_model.embeddings.token_embedding.weight"])
        XCTAssertEqual(embedding.dtype, .float16)
        XCTAssertEqual(embedding.shape, [49408, 32])
        let values = try file.floats(named: "text_model.embeddings.position_embedding.weight")
        XCTAssertEqual(values.count, 77 * 32)
        XCTAssertTrue(values.allSatisfy { $0.isFinite })
    }

    func testReadsTorchWrittenRecords() throws {
        let file = try SafeTensors(contentsOf: Fixtures.records.appendingPathComponent("randn.safetensors"))
        XCTAssertEqual(file.tensors["case0.call0"]?.shape, [1, 4, 8, 8])
        XCTAssertEqual(try file.floats(named: "case0.call0").count, 256)
    }

    func testMissingAndMisshapenTensorsNameTheTensor() throws {
        let url = folder.appendingPathComponent("a.safetensors")
        try SafeTensorsWriter().write(["conv.weight": .init(shape: [2, 2], scalars: [1, 2, 3, 4])], to: url)
        let file = try SafeTensors(contentsOf: url)
        XCTAssertThrowsError(try file.floats(named: "conv.bias")) { error in
            XCTAssertEqual(error as? SafeTensorsError, .missingTensor(file: url.path, tensor: "conv.bias"))
        }
        XCTAssertThrowsError(try file.tensor(named: "conv.weight", shape: [4])) { error in
            XCTAssertEqual(
                error as? SafeTensorsError,
                .shapeMismatch(file: url.path, tensor: "conv.weight", expected: [4], found: [2, 2]))
            XCTAssertTrue("\(error)".contains("conv.weight"))
        }
    }

    func testUnreadableFiles() throws {
        let missing = folder.appendingPathComponent("nope.safetensors")
        XCTAssertThrowsError(try SafeTensors(contentsOf: missing)) { error in
            guard case .unreadable(let file, _)? = error as? SafeTensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, missing.path)
        }
        XCTAssertThrowsError(try SafeTensors(contentsOf: folder)) { error in
            guard case .unreadable? = error as? SafeTensorsError else { return XCTFail("\(error)") }
        }
    }

    func testMalformedHeaders() throws {
        let empty = folder.appendingPathComponent("empty.safetensors")
        try Data().write(to: empty)
        assertInvalid(empty, "shorter than the 8-byte header length")
        assertInvalid(try rawFile(header: "{}", dataCount: 0, declaredLength: 1 << 40), "exceeds the file")
        assertInvalid(try rawFile(header: "[1, 2]", dataCount: 0), "does not start with a JSON object")
        assertInvalid(try rawFile(header: "{\"a\": ", dataCount: 0), "not valid JSON")
        assertInvalid(try rawFile(header: "{\"__metadata__\": {\"k\": 1}}", dataCount: 0), "__metadata__")
        assertInvalid(try rawFile(header: "{}", dataCount: 4), "belong to no tensor")
        XCTAssertEqual(try SafeTensors(contentsOf: rawFile(header: "{}  ", dataCount: 0)).names, [])
    }

    func testMalformedTensorEntries() throws {
        func entry(_ dtype: String, _ shape: String, _ offsets: String) -> String {
            "{\"dtype\": \"\(dtype)\", \"shape\": \(shape), \"data_offsets\": \(offsets)}"
        }
        assertInvalid(try rawFile(header: "{\"t\": \(entry("F33", "[1]", "[0, 4]"))}", dataCount: 4), tensor: "t", "unknown dtype F33")
        assertInvalid(try rawFile(header: "{\"t\": \(entry("F32", "[-1]", "[0, 4]"))}", dataCount: 4), tensor: "t", "shape")
        assertInvalid(try rawFile(header: "{\"t\": \(entry("F32", "[1.5]", "[0, 4]"))}", dataCount: 4), tensor: "t", "shape")
        assertInvalid(try rawFile(header: "{\"t\": \(entry("F32", "[2]", "[0, 4]"))}", dataCount: 4), tensor: "t", "needs 8 bytes")
        assertInvalid(try rawFile(header: "{\"t\": \(entry("F32", "[1]", "[0, 8]"))}", dataCount: 4), tensor: "t", "outside")
        assertInvalid(try rawFile(header: "{\"t\": \(entry("F32", "[1]", "[4, 0]"))}", dataCount: 4), tensor: "t", "outside")
        assertInvalid(try rawFile(header: "{\"t\": \(entry("F32", "[1]", "[0]"))}", dataCount: 4), tensor: "t", "two integers")
        assertInvalid(
            try rawFile(header: "{\"t\": \(entry("F32", "[4611686018427387904, 4]", "[0, 4]"))}", dataCount: 4),
            tensor: "t", "too large")
        let overlap = "{\"a\": \(entry("F32", "[2]", "[0, 8]")), \"b\": \(entry("F32", "[1]", "[4, 8]"))}"
        assertInvalid(try rawFile(header: overlap, dataCount: 8), tensor: "b", "overlap")
        let gap = "{\"a\": \(entry("F32", "[1]", "[0, 4]")), \"b\": \(entry("F32", "[1]", "[8, 12]"))}"
        assertInvalid(try rawFile(header: gap, dataCount: 12), tensor: "b", "belong to no tensor")
    }

    func testNonFloatTensorsOpenButDoNotConvert() throws {
        let url = try rawFile(header: "{\"ids\": {\"dtype\": \"I64\", \"shape\": [2], \"data_offsets\": [0, 16]}}", dataCount: 16)
        let file = try SafeTensors(contentsOf: url)
        XCTAssertEqual(file.tensors["ids"]?.dtype, .int64)
        XCTAssertThrowsError(try file.floats(named: "ids")) { error in
            XCTAssertEqual(error as? SafeTensorsError, .unsupportedDType(file: url.path, tensor: "ids", dtype: "I64"))
        }
    }

    func testWriterRefusesInconsistentEntriesAndLeavesNoFile() throws {
        let url = folder.appendingPathComponent("bad.safetensors")
        XCTAssertThrowsError(try SafeTensorsWriter().write(["x": .init(shape: [3], scalars: [1, 2])], to: url))
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path))
        let unwritable = folder.appendingPathComponent("no/such/dir/x.safetensors")
        XCTAssertThrowsError(try SafeTensorsWriter().write(["x": .init(shape: [1], scalars: [1])], to: unwritable)) { error in
            guard case .unwritable(let file, _)? = error as? SafeTensorsError else { return XCTFail("\(error)") }
            XCTAssertEqual(file, unwritable.path)
        }
        XCTAssertThrowsError(try SafeTensorsWriter(dtype: .int8))
    }
}
