import SecretSharing
import XCTest

/// Both transports: ordered delivery, exact byte and flight counts, and failures instead of hangs.
final class ChannelTests: XCTestCase {
    /// A ping-pong of growing messages; returns what each side received.
    private func exchange(_ server: any Channel, _ client: any Channel) throws {
        let sizes = [1, 7, 4096, (1 << 20) + 3, 3 << 20]
        let result = try runTwoParties(server: server, client: client, server: { channel in
            var received: [[UInt8]] = []
            for (i, size) in sizes.enumerated() {
                try channel.send((0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) })
                received.append(try channel.receiveBytes(count: size))
            }
            return received
        }, client: { channel in
            var received: [[UInt8]] = []
            for size in sizes {
                let message = try channel.receiveBytes(count: size)
                received.append(message)
                try channel.send(message.map { $0 ^ 0x5A })
            }
            return received
        })
        for (i, size) in sizes.enumerated() {
            let expected = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ i) }
            XCTAssertEqual(result.client[i], expected)
            XCTAssertEqual(result.server[i], expected.map { $0 ^ 0x5A })
        }
        let total = sizes.reduce(0, +)
        XCTAssertEqual(server.statistics.bytesSent, total)
        XCTAssertEqual(server.statistics.bytesReceived, total)
        XCTAssertEqual(client.statistics.bytesSent, total)
        XCTAssertEqual(server.statistics.flightsSent, sizes.count)
        XCTAssertEqual(client.statistics.flightsSent, sizes.count)
    }

    func testLoopbackExchange() throws {
        let (server, client) = LoopbackChannel.makePair()
        try exchange(server, client)
    }

    func testTCPExchange() throws {
        let listener = try TCPListener()
        let (server, client) = try connectedTCPPair(listener)
        try exchange(server, client)
    }

    private func connectedTCPPair(_ listener: TCPListener) throws -> (TCPChannel, TCPChannel) {
        let client = try TCPChannel.connect(port: listener.port, timeout: 30)
        let server = try listener.accept(timeout: 30)
        return (server, client)
    }

    func testPackedElementsAndFlights() throws {
        let (server, client) = LoopbackChannel.makePair()
        let ring = Ring.z37
        let values: [UInt64] = [0, 1, ring.mask, ring.minimumSigned, 12345]
        let result = try runTwoParties(server: server, client: client, server: { channel in
            try channel.send(elements: values, of: ring)
            try channel.send(elements: values, of: ring)  // same flight
            return try channel.receiveElements(count: 1, of: ring)
        }, client: { channel in
            let a = try channel.receiveElements(count: values.count, of: ring)
            let b = try channel.receiveElements(count: values.count, of: ring)
            try channel.send(elements: [ring.add(a[1], b[4])], of: ring)
            return a + b
        })
        XCTAssertEqual(result.client, values + values)
        XCTAssertEqual(result.server, [12346])
        XCTAssertEqual(server.statistics.bytesSent, 2 * 24)  // 5 × 37 bits = 185 bits → 24 bytes
        XCTAssertEqual(server.statistics.flightsSent, 1)
        XCTAssertEqual(client.statistics.bytesSent, 5)
    }

    func testShortStreamFailsAsPeerClosed() throws {
        for useTCP in [false, true] {
            let listener = try TCPListener()
            let (server, client): (any Channel, any Channel) = useTCP
                ? try connectedTCPPair(listener) : LoopbackChannel.makePair()
            try server.send([1, 2, 3])
            server.close()
            XCTAssertThrowsError(try client.receiveBytes(count: 8)) { error in
                XCTAssertEqual(error as? SecretSharingError, .peerClosed(expectedBytes: 8, receivedBytes: 3))
            }
        }
    }

    func testReceiveTimesOut() throws {
        let (loopback, peer) = LoopbackChannel.makePair(timeout: 0.05)
        XCTAssertThrowsError(try loopback.receiveBytes(count: 1)) { error in
            XCTAssertEqual(error as? SecretSharingError, .receiveTimedOut(seconds: 0.05))
        }
        peer.close()
        let listener = try TCPListener()
        let client = try TCPChannel.connect(port: listener.port, timeout: 0.05)
        let accepted = try listener.accept(timeout: 5)
        XCTAssertThrowsError(try client.receiveBytes(count: 1)) { error in
            XCTAssertEqual(error as? SecretSharingError, .receiveTimedOut(seconds: 0.05))
        }
        accepted.close()
    }

    func testFailingPartyReleasesTheOther() throws {
        struct Boom: Error {}
        let (server, client) = LoopbackChannel.makePair(timeout: 60)
        let start = Date()
        XCTAssertThrowsError(try runTwoParties(server: server, client: client, server: { _ in
            throw Boom()
        }, client: { channel in
            try channel.receiveBytes(count: 1)
        })) { error in
            XCTAssertTrue(error is Boom, "the first failure is reported, not the peer's closed channel")
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 30)
        XCTAssertThrowsError(try TCPChannel.connect(host: "not-an-address", port: 1))
    }
}
