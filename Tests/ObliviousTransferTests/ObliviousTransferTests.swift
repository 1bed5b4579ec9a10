import ObliviousTransfer
import SecretSharing
import XCTest
import _TestSupport

/// Every OT variant against its definition, with exact byte and flight counts.
final class ObliviousTransferTests: XCTestCase {
    private func randomChoices(_ n: Int, seed: UInt64) -> [Bool] {
        var generator = SeededGenerator(seed: seed)
        return (0..<n).map { _ in generator.next() & 1 == 1 }
    }

    private func agreement(_ a: UInt64, _ b: UInt64, bits: Int) -> Int { bits - ((a ^ b) & (bits == 64 ? .max : (1 << UInt64(bits)) - 1)).nonzeroBitCount }

    func testBaseOT() throws {
        let choices = randomChoices(128, seed: 31)
        let (server, client) = LoopbackChannel.makePair()
        let result = try runTwoParties(server: server, client: client, server: { channel in
            try BaseOT.send(count: 128, channel: channel).map { [$0.0, $0.1] }
        }, client: { channel in
            try BaseOT.receive(choices: choices, channel: channel)
        })
        var agreeing = 0
        for i in 0..<128 {
            let chosen = result.server[i][choices[i] ? 1 : 0], other = result.server[i][choices[i] ? 0 : 1]
            XCTAssertEqual(result.client[i], chosen)
            XCTAssertNotEqual(result.client[i], other)
            let difference = result.client[i] ^ other
            agreeing += 128 - difference[0].nonzeroBitCount - difference[1].nonzeroBitCount
        }
        XCTAssertEqual(Double(agreeing), 128 * 64, accuracy: 6 * 64)  // 6σ of Binomial(16384, 1/2)
        XCTAssertEqual(server.statistics.bytesSent, 32)
        XCTAssertEqual(client.statistics.bytesSent, 32 * 128)
        XCTAssertEqual(server.statistics.flightsSent, 1)
        XCTAssertEqual(client.statistics.flightsSent, 1)
    }

    func testRejectsInvalidPointFromPeer() throws {
        let (server, client) = LoopbackChannel.makePair()
        XCTAssertThrowsError(try runTwoParties(server: server, client: client, server: { channel in
            var notAPoint = [UInt8](repeating: 0xFF, count: 32)
            notAPoint[31] = 0x7F
            try channel.send(notAPoint)
            return 0
        }, client: { channel in
            try BaseOT.receive(choices: [true], channel: channel)
        })) { error in
            XCTAssertEqual(error as? ObliviousTransferError, .invalidCurvePoint(index: 0))
        }
    }

    func testRandomOT() throws {
        for count in [1, 127, 128, 1000, 70_000] {
            let choices = randomChoices(count, seed: UInt64(count))
            let (server, client) = LoopbackChannel.makePair()
            let result = try runTwoParties(server: server, client: client, server: { channel in
                let ot = try IKNPSender(channel: channel)
                return try ot.randomOT(count: count).map { [$0.0, $0.1] }
            }, client: { channel in
                let ot = try IKNPReceiver(channel: channel)
                return try ot.randomOT(choices: choices)
            })
            for j in 0..<count {
                XCTAssertEqual(result.client[j], result.server[j][choices[j] ? 1 : 0], "OT \(j) of \(count)")
                XCTAssertNotEqual(result.client[j], result.server[j][choices[j] ? 0 : 1])
            }
            // Extension traffic: the receiver's 128 columns, rounded up to whole 128-OT blocks per batch.
            let batches = (count + 65_535) / 65_536
            let columnBytes = (0..<batches).reduce(0) { sum, b in
                let n = min(65_536, count - b * 65_536)
                return sum + 16 * 128 * ((n + 127) / 128)
            }
            // Base OTs run the other way: the extension's receiver sends A, its sender 128 points.
            XCTAssertEqual(client.statistics.bytesSent, 32 + columnBytes)
            XCTAssertEqual(server.statistics.bytesSent, 32 * 128)
        }
    }

    func testChosenMessageOTAndWrongChoiceYieldsUnrelatedBits() throws {
        let count = 4000, width = 64
        let choices = randomChoices(count, seed: 41)
        var generator = SeededGenerator(seed: 42)
        let messages = (0..<count).map { _ in (generator.next(), generator.next()) }
        let (server, client) = LoopbackChannel.makePair()
        let recorder = RecordingChannel(client)
        let result = try runTwoParties(server: server, client: recorder, server: { channel in
            let ot = try IKNPSender(channel: channel)
            try ot.send(messages: messages, bitWidth: width)
            return 0
        }, client: { channel in
            let ot = try IKNPReceiver(channel: channel)
            return try ot.receive(choices: choices, bitWidth: width)
        })
        for j in 0..<count {
            XCTAssertEqual(result.client[j], choices[j] ? messages[j].1 : messages[j].0)
        }
        // The receiver's view ends with the masked pairs (c_0, c_1). Its pad is c_r ⊕ m_r; using it on
        // the other ciphertext must give bits unrelated to the other message.
        let maskedBytes = Array(recorder.received.suffix(BitPacking.byteCount(count: 2 * count, bitWidth: width)))
        let masked = try BitPacking.unpack(maskedBytes, count: 2 * count, bitWidth: width)
        var agreeing = 0
        for j in 0..<count {
            let r = choices[j] ? 1 : 0
            let pad = masked[2 * j + r] ^ result.client[j]
            let wrong = masked[2 * j + 1 - r] ^ pad
            let other = choices[j] ? messages[j].0 : messages[j].1
            agreeing += agreement(wrong, other, bits: width)
        }
        let bits = Double(count * width)
        XCTAssertEqual(Double(agreeing), bits / 2, accuracy: 6 * bits.squareRoot() / 2)
        XCTAssertEqual(server.statistics.bytesSent, 32 * 128 + 2 * count * width / 8)
        XCTAssertEqual(server.statistics.flightsSent, 2)
        XCTAssertEqual(client.statistics.flightsSent, 2)
    }

    func testCorrelatedOTOverRings() throws {
        for bits in [1, 37, 64] {
            let ring = try Ring(bitWidth: bits)
            let count = 3001
            let choices = randomChoices(count, seed: 50 + UInt64(bits))
            var generator = SeededGenerator(seed: 60 + UInt64(bits))
            let correlations = (0..<count).map { _ in ring.random(using: &generator) }
            let (server, client) = LoopbackChannel.makePair()
            let result = try runTwoParties(server: server, client: client, server: { channel in
                let ot = try IKNPSender(channel: channel)
                // Two calls: the second must use fresh OTs (the tweak and PRG streams advance).
                return try ot.sendCorrelated(correlations, ring: ring) + ot.sendCorrelated(correlations, ring: ring)
            }, client: { channel in
                let ot = try IKNPReceiver(channel: channel)
                return try ot.receiveCorrelated(choices: choices, ring: ring) + ot.receiveCorrelated(choices: choices, ring: ring)
            })
            for j in 0..<(2 * count) {
                let c = correlations[j % count]
                XCTAssertEqual(ring.subtract(result.client[j], result.server[j]), choices[j % count] ? c : 0)
            }
            XCTAssertNotEqual(Array(result.server[0..<count]), Array(result.server[count...]))
            XCTAssertEqual(server.statistics.bytesSent, 32 * 128 + 2 * BitPacking.byteCount(count: count, bitWidth: bits))
        }
    }

    func testCorrelatedOTOverTCP() throws {
        let ring = Ring.z37
        let count = 10_000
        let choices = randomChoices(count, seed: 71)
        let correlations = (0..<count).map { UInt64($0) * 977 & ring.mask }
        let listener = try TCPListener()
        let client = try TCPChannel.connect(port: listener.port)
        let server = try listener.accept()
        let result = try runTwoParties(server: server, client: client, server: { channel in
            try IKNPSender(channel: channel).sendCorrelated(correlations, ring: ring)
        }, client: { channel in
            try IKNPReceiver(channel: channel).receiveCorrelated(choices: choices, ring: ring)
        })
        for j in 0..<count {
            XCTAssertEqual(ring.subtract(result.client[j], result.server[j]), choices[j] ? correlations[j] : 0)
        }
    }

    func testRejectsBadWidths() throws {
        let (server, client) = LoopbackChannel.makePair()
        XCTAssertThrowsError(try runTwoParties(server: server, client: client, server: { channel in
            try IKNPSender(channel: channel).send(messages: [(1, 2)], bitWidth: 65)
        }, client: { channel in
            try IKNPReceiver(channel: channel).receive(choices: [true], bitWidth: 65)
        }))
    }
}

/// The sender's view of the extension (the receiver's columns u_i = G(k_i,0) ⊕ G(k_i,1) ⊕ r) does not
/// depend on the choices: all-zero and all-one choice vectors both give balanced, unrelated columns.
final class ChoicePrivacyTests: XCTestCase {
    func testSenderViewIsBalancedForExtremeChoices() throws {
        let count = 8192
        var views: [[UInt8]] = []
        for choice in [false, true] {
            let (server, client) = LoopbackChannel.makePair()
            let recorder = RecordingChannel(server)
            _ = try runTwoParties(server: recorder, client: client, server: { channel in
                try IKNPSender(channel: channel).randomOT(count: count).count
            }, client: { channel in
                try IKNPReceiver(channel: channel).randomOT(choices: [Bool](repeating: choice, count: count)).count
            })
            let columns = Array(recorder.received.suffix(16 * count))
            let ones = columns.reduce(0) { $0 + $1.nonzeroBitCount }
            let bits = Double(8 * columns.count)
            XCTAssertEqual(Double(ones), bits / 2, accuracy: 6 * bits.squareRoot() / 2, "choices all \(choice)")
            views.append(columns)
        }
        // Two views agree on about half their bits, as independent uniform strings do.
        let agreeing = zip(views[0], views[1]).reduce(0) { $0 + 8 - ($1.0 ^ $1.1).nonzeroBitCount }
        let bits = Double(8 * views[0].count)
        XCTAssertEqual(Double(agreeing), bits / 2, accuracy: 6 * bits.squareRoot() / 2)
    }
}
