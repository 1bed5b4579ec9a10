import CKKS
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

    func testMalformedParameterSetsAreRefused() {
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 3000, coefficientModulusBits: [30, 30], scale: 0x1p20))
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [40], scale: 0x1p20), "no special prime")
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [40, 30], scale: 0x1p20), "special prime smaller than a data prime")
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [40, 62], scale: 0x1p20), "prime too wide")
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [30, 40], scale: .infinity))
        XCTAssertThrowsError(try CKKSParameters(polyDegree: 8192, coefficientModulusBits: [30, 40], scale: 0x1p40), "scale above the data modulus")
    }
}
