import Foundation
import StableDiffusion
import Tensor
import XCTest
import _TestSupport

/// The tiny-sd model folder and the diffusers/transformers module records (tools/fixtures).
enum ModelRecords {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")
    static let tinyModel = fixtures.appendingPathComponent("tiny-sd")

    /// `records/<name>.safetensors`.
    static func tensors(_ name: String) throws -> SafeTensors {
        try SafeTensors(contentsOf: fixtures.appendingPathComponent("records/\(name).safetensors"))
    }

    /// `records/<name>.json` as a JSON object.
    static func metadata(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: fixtures.appendingPathComponent("records/\(name).json"))
        return try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// max |actual − expected| / max |expected|, the relative error the module tests bound.
    static func relativeError(_ actual: Tensor, _ expected: Tensor) -> Float {
        guard actual.shape == expected.shape else { return .infinity }
        let difference = zip(actual.scalars, expected.scalars).map { abs($0 - $1) }.max() ?? 0
        let scale = expected.scalars.map(abs).max() ?? 0
        return scale == 0 ? difference : difference / scale
    }

    /// A float32 copy of `file` with every tensor passed through `transform` (to rename or
    /// reshape it), in a temporary file removed when `testCase` ends.
    static func rewritten(
        _ testCase: XCTestCase, _ file: SafeTensors, transform: (String, Tensor) throws -> (String, Tensor)
    ) throws -> SafeTensors {
        var entries: [String: SafeTensorsWriter.Entry] = [:]
        for name in file.names {
            let (newName, tensor) = try transform(name, file.tensor(named: name))
            entries[newName] = SafeTensorsWriter.Entry(shape: tensor.shape, scalars: tensor.scalars)
        }
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("hediff-models-\(UUID().uuidString).safetensors")
        testCase.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        try SafeTensorsWriter().write(entries, to: url)
        return try SafeTensors(contentsOf: url)
    }
}
