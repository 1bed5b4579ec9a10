import Foundation
import StableDiffusion
import Tensor
import XCTest

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
}
