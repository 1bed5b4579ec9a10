import Foundation

/// Reading diffusers/transformers `config.json` files into `Decodable` config structs.
enum ConfigFile {
    /// Decodes `url` as `T`, turning I/O and decoding failures into `ModelConfigurationError`s
    /// that name the file and the offending key.
    static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws -> T {
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw ModelConfigurationError.missingFile(
                path: url.path, hint: "a diffusers model folder has model_index.json and one config per component")
        }
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ModelConfigurationError.invalidConfig(file: url.path, reason: error.localizedDescription)
        }
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch let error as ModelConfigurationError {
            throw error
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            throw ModelConfigurationError.invalidConfig(file: url.path, reason: describe(context))
        } catch let DecodingError.dataCorrupted(context) {
            throw ModelConfigurationError.invalidConfig(file: url.path, reason: describe(context))
        } catch let DecodingError.keyNotFound(key, context) {
            throw ModelConfigurationError.invalidConfig(
                file: url.path, reason: "missing key \(key.stringValue) \(describe(context))")
        } catch {
            throw ModelConfigurationError.invalidConfig(file: url.path, reason: "\(error)")
        }
    }

    private static func describe(_ context: DecodingError.Context) -> String {
        let path = context.codingPath.map(\.stringValue).joined(separator: ".")
        return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
    }
}

extension KeyedDecodingContainer {
    /// The value for `key`, or `fallback` when the key is absent or null (diffusers' defaults).
    func value<T: Decodable>(_ key: Key, default fallback: T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback
    }

    /// A per-block setting that diffusers accepts either as one value for every block or as a
    /// list with one value per block.
    func perBlock<T: Decodable>(_ key: Key, default fallback: T, blockCount: Int) throws -> [T] {
        if let list = try? decodeIfPresent([T].self, forKey: key) {
            guard list.count == blockCount else {
                throw DecodingError.dataCorruptedError(
                    forKey: key, in: self, debugDescription: "has \(list.count) entries for \(blockCount) blocks")
            }
            return list
        }
        return Array(repeating: try value(key, default: fallback), count: blockCount)
    }
}
