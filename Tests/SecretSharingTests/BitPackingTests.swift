import SecretSharing
import XCTest
import _TestSupport

/// Packing against an independent bit-by-bit oracle, and rejection of malformed input.
final class BitPackingTests: XCTestCase {
    /// Bit j of the output is bit (j mod w) of value ⌊j / w⌋.
    private func oracle(_ values: [UInt64], _ w: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: (values.count * w + 7) / 8)
        for j in 0..<(values.count * w) where (values[j / w] >> UInt64(j % w)) & 1 == 1 {
            out[j / 8] |= 1 << UInt8(j % 8)
        }
        return out
    }

    func testPackMatchesOracleAndRoundTrips() throws {
        var generator = SeededGenerator(seed: 4)
        for w in [1, 3, 7, 8, 9, 12, 37, 56, 57, 63, 64] {
            for count in [0, 1, 2, 7, 8, 33] {
                let mask: UInt64 = w == 64 ? .max : (1 << UInt64(w)) - 1
                let values = (0..<count).map { _ in generator.next() & mask }
                let packed = try BitPacking.pack(values, bitWidth: w)
                XCTAssertEqual(packed, oracle(values, w), "w = \(w), count = \(count)")
                XCTAssertEqual(try BitPacking.unpack(packed, count: count, bitWidth: w), values)
            }
        }
    }

    func testRejectsMalformedInput() throws {
        let packed = try BitPacking.pack([1, 2, 3], bitWidth: 37)  // 111 bits, 14 bytes, 1 padding bit
        XCTAssertEqual(packed.count, 14)
        XCTAssertThrowsError(try BitPacking.unpack(Array(packed.dropLast()), count: 3, bitWidth: 37))
        XCTAssertThrowsError(try BitPacking.unpack(packed + [0], count: 3, bitWidth: 37))
        var corrupted = packed
        corrupted[13] |= 0x80
        XCTAssertThrowsError(try BitPacking.unpack(corrupted, count: 3, bitWidth: 37)) { error in
            XCTAssertEqual(error as? SecretSharingError, .nonZeroPadding)
        }
        XCTAssertThrowsError(try BitPacking.pack([1], bitWidth: 0))
        XCTAssertThrowsError(try BitPacking.unpack([0], count: 1, bitWidth: 65))
    }
}
