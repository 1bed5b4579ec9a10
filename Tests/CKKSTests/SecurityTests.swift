@_spi(Testing) import CKKS
import ModularArithmetic
import XCTest

/// Parameter validation against the HomomorphicEncryption.org 128-bit classical table.
final class SecurityTests: XCTestCase {
    func testPresetsAreAcceptedAndMeetTheBound() throws {
        for preset in [CKKSParameters.n8192_q31_26x6_31_scale26, .n4096_q38_33_38_scale30, .n4096_q54_55_scale28] {
            XCTAssertNoThrow(try CKKSParameters(polyDegree: preset.polyDegree, coefficientModulusBits: preset.coefficientModulusBits, scale: preset.scale))
            XCTAssertLessThanOrEqual(preset.totalModulusBits, SecurityStandard.maxModulusBits128[preset.polyDegree]!)
        }
        XCTAssertEqual(CKKSParameters.n8192_q31_26x6_31_scale26.maxLevel, 6)
        XCTAssertEqual(CKKSParameters.n8192_q31_26x6_31_scale26.totalModulusBits, 218)
    }

    func testEveryDegreeRefusesOneBitAboveItsBound() throws {
        let table = [2048: 54, 4096: 109, 8192: 218, 16384: 438, 32768: 881]
        for (n, maxBits) in table {
            // Split maxBits evenly into at least two primes of at most 60 bits, largest last
            // (the special prime must be at least as large as every data prime).
            let count = max(2, (maxBits + 59) / 60)
            let bits = (0..<count).map { maxBits / count + ($0 >= count - maxBits % count ? 1 : 0) }
            XCTAssertNoThrow(try CKKSParameters(polyDegree: n, coefficientModulusBits: bits, scale: 0x1p10), "N=\(n) at \(maxBits) bits")
            var over = bits
            over[over.count - 1] += 1
            XCTAssertThrowsError(try CKKSParameters(polyDegree: n, coefficientModulusBits: over, scale: 0x1p10)) { error in
                XCTAssertEqual(error as? CKKSError, .insecureParameters(polyDegree: n, totalBits: maxBits + 1, maxBits: maxBits))
            }
            XCTAssertNoThrow(try CKKSParameters.insecureForTests(polyDegree: n, coefficientModulusBits: over, scale: 0x1p10))
        }
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 1024, coefficientModulusBits: [20, 20], scale: 0x1p10))
    }

    /// Key switching divides each digit's error by P: P must exceed every data prime as a number.
    /// The presets with equal bit sizes ([31, …, 31], [38, 33, 38]) are where bit sizes alone
    /// would not say so.
    func testTheSpecialPrimeExceedsEveryDataPrime() throws {
        for preset in CKKSParameters.Preset.allCases {
            let p = preset.parameters
            XCTAssertGreaterThan(p.specialModulus, p.dataModuli.max()!, "\(preset)")
            for q in p.coefficientModuli {
                XCTAssertTrue(Primes.isPrime(q) && q % UInt64(2 * p.polyDegree) == 1, "\(preset): \(q) is not an NTT-friendly prime")
            }
        }
        let equal = try CKKSParameters.insecureForTests(polyDegree: 1024, coefficientModulusBits: [40, 30, 40], scale: 0x1p20)
        XCTAssertGreaterThan(equal.specialModulus, equal.dataModuli.max()!)
    }

    func testPresetNamesAreDistinctAndTailoredMeansTheUpdateSet() {
        let presets = CKKSParameters.Preset.allCases
        XCTAssertEqual(Set(presets.map(\.rawValue)).count, presets.count)
        XCTAssertEqual(Set(presets.map(\.parameters)).count, presets.count)
        XCTAssertEqual(CKKSParameters.Preset(name: "tailored"), .update)
        XCTAssertEqual(CKKSParameters.Preset(name: "tailored")?.parameters.coefficientModulusBits, [54, 55])
        XCTAssertEqual(CKKSParameters.Preset(name: "reference")?.parameters.coefficientModulusBits, [31, 26, 26, 26, 26, 26, 26, 31])
        XCTAssertEqual(CKKSParameters.Preset(name: "depth1-rescale")?.parameters.coefficientModulusBits, [38, 33, 38])
        XCTAssertNil(CKKSParameters.Preset(name: "n4096"))
    }

    func testMalformedParameterSetsAreRefused() {
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 3000, coefficientModulusBits: [30, 30], scale: 0x1p20))
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [40], scale: 0x1p20), "no special prime")
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [40, 30], scale: 0x1p20), "special prime smaller than a data prime")
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [40, 62], scale: 0x1p20), "prime too wide")
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [30, 40], scale: .infinity))
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [30, 40], scale: 0x1p40), "scale above the data modulus")
    }
}
