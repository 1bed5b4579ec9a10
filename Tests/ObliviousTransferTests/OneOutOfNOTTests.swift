import ObliviousTransfer
import SecretSharing
import XCTest
import _TestSupport

/// 1-out-of-2^k OT: the chosen message arrives; the others, unmasked with the receiver's pad, are
/// unrelated to the real messages.
final class OneOutOfNOTTests: XCTestCase {
    func testChosenMessageArrivesOthersStayHidden() throws {
        for (k, w) in [(1, 5), (4, 2), (8, 37)] {
            let n = 1 << k, transfers = 600
            var generator = SeededGenerator(seed: UInt64(80 + k))
            let mask: UInt64 = (1 << UInt64(w)) - 1
            let messages = (0..<(transfers * n)).map { _ in generator.next() & mask }
            let choices = (0..<transfers).map { _ in Int(generator.next() % UInt64(n)) }
            let (server, client) = LoopbackChannel.makePair()
            let recorder = RecordingChannel(client)
            let result = try runTwoParties(server: server, client: recorder, server: { channel in
                try IKNPSender(channel: channel).send(oneOutOf: messages, choiceBitCount: k, bitWidth: w)
            }, client: { channel in
                try IKNPReceiver(channel: channel).receive(oneOutOf: choices, choiceBitCount: k, bitWidth: w)
            })
            for e in 0..<transfers {
                XCTAssertEqual(result.client[e], messages[e * n + choices[e]], "k = \(k), transfer \(e)")
            }
            // The receiver's pad for its choice, applied to another index, gives bits that agree with
            // that index's message only by chance.
            let maskedBytes = Array(recorder.received.suffix(BitPacking.byteCount(count: transfers * n, bitWidth: w)))
            let masked = try BitPacking.unpack(maskedBytes, count: transfers * n, bitWidth: w)
            var agreeing = 0, compared = 0
            for e in 0..<transfers {
                let pad = masked[e * n + choices[e]] ^ result.client[e]
                let other = (choices[e] + 1) % n
                agreeing += w - ((masked[e * n + other] ^ pad ^ messages[e * n + other]) & mask).nonzeroBitCount
                compared += w
            }
            XCTAssertEqual(Double(agreeing), Double(compared) / 2, accuracy: 6 * Double(compared).squareRoot() / 2)
            // k random OTs per transfer (the receiver's columns) and N·w bits of masked messages.
            XCTAssertEqual(server.statistics.bytesSent, 32 * 128 + BitPacking.byteCount(count: transfers * n, bitWidth: w))
            XCTAssertEqual(client.statistics.bytesSent, 32 + 16 * 128 * ((transfers * k + 127) / 128))
        }
    }

    func testRejectsChoiceOutsideTheTable() throws {
        let (server, client) = LoopbackChannel.makePair()
        XCTAssertThrowsError(try runTwoParties(server: server, client: client, server: { channel in
            try IKNPSender(channel: channel).send(oneOutOf: [UInt64](repeating: 0, count: 32), choiceBitCount: 4, bitWidth: 8)
        }, client: { channel in
            try IKNPReceiver(channel: channel).receive(oneOutOf: [3, 16], choiceBitCount: 4, bitWidth: 8)
        })) { error in
            XCTAssertEqual(error as? ObliviousTransferError, .choiceOutOfRange(index: 1, choiceBitCount: 4))
        }
    }
}
