import Foundation
import PrivateUNet
import StableDiffusion
import Tensor
import XCTest

final class DebugDump: XCTestCase {
    func testDump() throws {
        let folder = try DiffusersModelFolder(url: FixedPointUNetTests.modelURL)
        let pipeline = try StableDiffusionPipeline(folder: folder, loadingVAEEncoder: false)
        let recorder = RangeRecorder()
        let fixed = try FixedPointUNet(source: folder.source).recording(into: recorder)
        let ids = ["a red circle on a blue background"].map { pipeline.tokenizer.inputIDs(for: $0).inputIDs }
        let text = try pipeline.textEncoder(tokenIDs: ids)
        let latent = try Tensor(shape: [1, 4, 16, 16], scalars: FixedPointUNetTests.normals(1024, seed: 2026))
        _ = try fixed(latent, timestep: 961, encoderHiddenStates: text)
        for (name, e) in recorder.layers {
            print(String(format: "%-70@ stored %6.2f acc %6.2f", name as NSString, RangeRecorder.headroom(e.stored, ringBits: 37), RangeRecorder.headroom(e.accumulator, ringBits: max(e.accumulatorRingBits, 37))))
        }
    }
}
