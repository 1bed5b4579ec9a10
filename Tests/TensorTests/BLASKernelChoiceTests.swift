import Tensor
import XCTest

/// The kernel set asked of OpenBLAS when its own detection falls back to one that leaves the
/// CPU's vector units unused.
final class BLASKernelChoiceTests: XCTestCase {
    private let avx512: Set<String> = ["sse3", "avx", "avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"]
    private let avx2: Set<String> = ["sse3", "avx", "avx2", "fma"]

    func testAFallbackKernelIsReplacedByTheWidestTheCPUHas() {
        XCTAssertEqual(BLASKernelChoice.better(than: "Prescott", cpuFlags: avx512), "SkylakeX")
        XCTAssertEqual(BLASKernelChoice.better(than: "Prescott", cpuFlags: avx2), "Haswell")
        XCTAssertEqual(BLASKernelChoice.better(than: "Nehalem", cpuFlags: avx2.union(["avx512f"])), "Haswell", "AVX-512F alone is not SkylakeX")
    }

    func testAGoodChoiceOrAnOldCPUIsLeftAlone() {
        XCTAssertNil(BLASKernelChoice.better(than: "Haswell", cpuFlags: avx512))
        XCTAssertNil(BLASKernelChoice.better(than: "SkylakeX", cpuFlags: avx512))
        XCTAssertNil(BLASKernelChoice.better(than: "Zen", cpuFlags: avx2))
        XCTAssertNil(BLASKernelChoice.better(than: "Prescott", cpuFlags: ["sse3", "avx"]))
    }

    func testTheCoreNameIsOpenBLASs() {
        XCTAssertFalse(blasCoreName.isEmpty)
    }
}
