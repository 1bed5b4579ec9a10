import Foundation

/// Runs the two parties of a protocol on two threads, each with its end of a channel pair, and returns
/// both results. If one party throws, its thread closes its own channel end, so the other party's
/// receives fail promptly (peer closed) instead of waiting for their timeout; the error of the party that
/// failed first is rethrown (the other one usually just saw the channel close). Each end is only ever
/// touched by its own thread.
public func runTwoParties<ServerResult: Sendable, ClientResult: Sendable>(
    server serverChannel: any Channel, client clientChannel: any Channel,
    server serverBody: @escaping @Sendable (any Channel) throws -> ServerResult,
    client clientBody: @escaping @Sendable (any Channel) throws -> ClientResult
) throws -> (server: ServerResult, client: ClientResult) {
    let serverOutcome = Outcome<ServerResult>()
    let clientOutcome = Outcome<ClientResult>()
    let firstFailure = Outcome<Void>()
    let done = DispatchSemaphore(value: 0)
    let serverThread = Thread {
        serverOutcome.set { try serverBody(serverChannel) }
        if let error = serverOutcome.error { firstFailure.setIfEmpty(error); serverChannel.close() } else { try? serverChannel.flush() }
        done.signal()
    }
    let clientThread = Thread {
        clientOutcome.set { try clientBody(clientChannel) }
        if let error = clientOutcome.error { firstFailure.setIfEmpty(error); clientChannel.close() } else { try? clientChannel.flush() }
        done.signal()
    }
    serverThread.stackSize = 16 << 20
    clientThread.stackSize = 16 << 20
    serverThread.start()
    clientThread.start()
    done.wait()
    done.wait()
    if firstFailure.error != nil { try firstFailure.get() }
    return (try serverOutcome.get(), try clientOutcome.get())
}

/// A thread's result or error, handed to the joining thread under a lock.
private final class Outcome<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var result: Result<T, Error>?

    func set(_ body: () throws -> T) {
        let r = Result { try body() }
        lock.lock()
        result = r
        lock.unlock()
    }

    func setIfEmpty(_ error: Error) {
        lock.lock()
        if result == nil { result = .failure(error) }
        lock.unlock()
    }

    var error: Error? {
        lock.lock()
        defer { lock.unlock() }
        if case .failure(let error) = result { return error }
        return nil
    }

    func get() throws -> T {
        lock.lock()
        defer { lock.unlock() }
        guard let result else { throw SecretSharingError.otherPartyFailed }
        return try result.get()
    }
}
