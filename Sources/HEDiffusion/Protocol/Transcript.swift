import Foundation

/// Every message a private generation exchanged, exactly as sent: what `hediff generate
/// --transcript DIR` writes and what `hediff audit` attacks.
public struct Transcript: Sendable {
    /// Who sent a message.
    public enum Direction: String, Sendable {
        /// Key holder → evaluator (`UpdateRequest`).
        case request
        /// Evaluator → key holder (`UpdateReply`).
        case reply
    }

    /// One message.
    public struct Message: Sendable {
        public let stepIndex: Int
        public let direction: Direction
        public let bytes: [UInt8]
    }

    public private(set) var messages: [Message] = []

    public init() {}

    mutating func record(stepIndex: Int, _ direction: Direction, _ bytes: [UInt8]) {
        messages.append(Message(stepIndex: stepIndex, direction: direction, bytes: bytes))
    }

    /// The requests, in step order: everything the evaluator received.
    public var requests: [[UInt8]] { messages.filter { $0.direction == .request }.map(\.bytes) }

    /// The file name of a message: `step-0001-request.bin` (steps numbered from 1).
    public static func fileName(stepIndex: Int, _ direction: Direction) -> String {
        String(format: "step-%04d-%@.bin", stepIndex + 1, direction.rawValue)
    }

    /// Writes every message into `folder` (created if missing; it must not already hold messages).
    /// On failure the files written so far are removed.
    public func write(to folder: URL) throws {
        let manager = FileManager.default
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        var written: [URL] = []
        do {
            for message in messages {
                let url = folder.appendingPathComponent(Self.fileName(stepIndex: message.stepIndex, message.direction))
                try Data(message.bytes).write(to: url, options: .withoutOverwriting)
                written.append(url)
            }
        } catch {
            for url in written { try? manager.removeItem(at: url) }
            throw error
        }
    }
}
