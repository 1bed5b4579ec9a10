import Foundation
import XCTest

/// Float32 tensors and JSON metadata recorded by tools/fixtures/make_fixtures.py, read with a
/// minimal safetensors parser so these tests depend on nothing but the records.
struct FixtureRecords {
    struct Entry {
        let shape: [Int]
        let scalars: [Float]
    }

    let tensors: [String: Entry]
    let metadata: Any

    /// Loads `Tests/Fixtures/records/<name>.safetensors` and `<name>.json`.
    init(_ name: String) throws {
        let records = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/records")
        let bytes = [UInt8](try Data(contentsOf: records.appendingPathComponent("\(name).safetensors")))
        let headerLength = bytes[0..<8].reversed().reduce(0) { $0 << 8 | Int($1) }
        let header = try JSONSerialization.jsonObject(with: Data(bytes[8..<(8 + headerLength)])) as! [String: Any]
        var tensors: [String: Entry] = [:]
        for (key, value) in header where key != "__metadata__" {
            let info = value as! [String: Any]
            XCTAssertEqual(info["dtype"] as? String, "F32")
            let offsets = info["data_offsets"] as! [Int]
            let start = 8 + headerLength + offsets[0]
            let count = (offsets[1] - offsets[0]) / 4
            let scalars = (0..<count).map { i -> Float in
                let base = start + 4 * i
                let bits = UInt32(bytes[base]) | UInt32(bytes[base + 1]) << 8
                    | UInt32(bytes[base + 2]) << 16 | UInt32(bytes[base + 3]) << 24
                return Float(bitPattern: bits)
            }
            tensors[key] = Entry(shape: info["shape"] as! [Int], scalars: scalars)
        }
        self.tensors = tensors
        // Python's json writes -inf as the bare token -Infinity, which Foundation's parser rejects.
        let text = try String(contentsOf: records.appendingPathComponent("\(name).json"), encoding: .utf8)
            .replacingOccurrences(of: "-Infinity", with: "\"-Infinity\"")
        metadata = try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// The recorded tensor `name`, failing the test when it is absent.
    func tensor(_ name: String) throws -> Entry {
        try XCTUnwrap(tensors[name], "fixture tensor \(name) is missing")
    }

    /// Slice `index` along the first dimension of the recorded tensor `name`.
    func slice(_ name: String, _ index: Int) throws -> Entry {
        let entry = try tensor(name)
        let inner = Array(entry.shape.dropFirst())
        let size = inner.reduce(1, *)
        return Entry(shape: inner, scalars: Array(entry.scalars[(index * size)..<((index + 1) * size)]))
    }
}

/// Largest absolute difference divided by the reference's largest magnitude (at least 1e-30).
func relativeMaxError(_ actual: [Float], _ expected: [Float]) -> Double {
    precondition(actual.count == expected.count)
    var difference = 0.0
    var magnitude = 1e-30
    for (a, e) in zip(actual, expected) {
        difference = max(difference, abs(Double(a) - Double(e)))
        magnitude = max(magnitude, abs(Double(e)))
    }
    return difference / magnitude
}
