import ObliviousTransfer
import XCTest
import _TestSupport

/// Every transpose implementation against the bit-by-bit definition (bit i of block j = bit j of row i).
final class BitTransposeTests: XCTestCase {
    /// The definition, written independently of the library's portable version.
    private func naiveTranspose(_ rows: [UInt8], rowBytes: Int) -> [Block] {
        (0..<(rowBytes * 8)).map { j in
            var lanes: [UInt64] = [0, 0]
            for i in 0..<128 {
                let bit = UInt64(rows[i * rowBytes + j / 8] >> UInt8(j % 8)) & 1
                lanes[i / 64] |= bit << UInt64(i % 64)
            }
            return Block(lanes[0], lanes[1])
        }
    }

    func testImplementationsMatchDefinitionOnRandomMatrices() {
        // 1, 2, 3, 5, 13 and 64 groups of 16 bytes: odd counts included; 64 is an IKNP row of 8192 OTs.
        var generator = SeededGenerator(seed: 2024)
        for rowBytes in [16, 32, 48, 80, 208, 1024] {
            let rows = (0..<(128 * rowBytes)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let expected = naiveTranspose(rows, rowBytes: rowBytes)
            for implementation in BitTranspose.Implementation.allCases {
                XCTAssertEqual(BitTranspose.transpose(rows, rowBytes: rowBytes, implementation: implementation), expected,
                               "\(implementation), rowBytes \(rowBytes), AVX2 available: \(BitTranspose.avx2Available)")
            }
        }
    }

    func testRowsFurtherApartThanTheirLength() {
        // IKNP pads its rows by a cache line; odd paddings check that only the row starts matter.
        var generator = SeededGenerator(seed: 2025)
        for (rowBytes, padding) in [(48, 64), (80, 8), (1024, 64), (16, 1)] {
            let stride = rowBytes + padding
            let padded = (0..<(128 * stride)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            let dense = (0..<128).flatMap { i in padded[(i * stride)..<(i * stride + rowBytes)] }
            let expected = naiveTranspose(dense, rowBytes: rowBytes)
            for implementation in BitTranspose.Implementation.allCases {
                XCTAssertEqual(BitTranspose.transpose(padded, rowStride: stride, rowBytes: rowBytes, implementation: implementation),
                               expected, "\(implementation), rowBytes \(rowBytes), stride \(stride)")
            }
        }
    }

    func testSingleBitsLandWhereTheDefinitionSays() {
        // One set bit at a time catches a transposition that is a permutation of the right bits.
        let rowBytes = 48
        for (i, j) in [(0, 0), (127, 383), (31, 200), (32, 7), (64, 128), (100, 255), (17, 301)] {
            var rows = [UInt8](repeating: 0, count: 128 * rowBytes)
            rows[i * rowBytes + j / 8] = 1 << UInt8(j % 8)
            for implementation in BitTranspose.Implementation.allCases {
                let blocks = BitTranspose.transpose(rows, rowBytes: rowBytes, implementation: implementation)
                for (index, block) in blocks.enumerated() {
                    let expected = index == j ? (i < 64 ? Block(1 << UInt64(i), 0) : Block(0, 1 << UInt64(i - 64))) : Block()
                    XCTAssertEqual(block, expected, "\(implementation): bit (\(i), \(j)), block \(index)")
                }
            }
        }
    }

    func testEmptyMatrix() {
        for implementation in BitTranspose.Implementation.allCases {
            XCTAssertEqual(BitTranspose.transpose([], rowBytes: 0, implementation: implementation), [])
        }
    }
}
