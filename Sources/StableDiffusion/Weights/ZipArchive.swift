/// The entries of a zip file held in memory-mapped bytes, as far as PyTorch checkpoints need:
/// the central directory (ZIP64 included, since SD checkpoints exceed 4 GiB) and stored
/// (uncompressed) entries, which is all `torch.save` writes.
///
/// Every offset and size read from the file is checked against the file before use.
struct ZipArchive {
    /// One stored entry: where its bytes are in the file.
    struct Entry {
        var name: String
        var dataRange: Range<Int>
    }

    /// Entries by name.
    let entries: [String: Entry]

    /// The most entries a checkpoint may list (SD v1 checkpoints have about 1,200).
    static let maximumEntryCount = 1_000_000

    init(bytes: UnsafeRawBufferPointer, path: String) throws {
        func fail(_ reason: String) -> CheckpointError { .invalidArchive(file: path, reason: reason) }
        let reader = LittleEndianReader(bytes: bytes, fail: fail)
        // End of central directory: 22 bytes plus a comment of up to 65,535, at the very end.
        let searchStart = max(0, bytes.count - 22 - 65_535)
        guard bytes.count >= 22,
              let end = stride(from: bytes.count - 22, through: searchStart, by: -1).first(where: {
                  reader.signature(at: $0) == 0x0605_4B50
              })
        else { throw fail("no zip end-of-central-directory record (not a zip file)") }
        var entryCount = Int(try reader.u16(at: end + 10))
        var directorySize = Int(try reader.u32(at: end + 12))
        var directoryOffset = Int(try reader.u32(at: end + 16))
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: a locator just before the end record points at the ZIP64 end record.
            guard end >= 20, reader.signature(at: end - 20) == 0x0706_4B50 else { throw fail("ZIP64 locator missing") }
            let record = try reader.offset(at: end - 20 + 8)
            guard reader.signature(at: record) == 0x0606_4B50 else { throw fail("ZIP64 end record missing") }
            entryCount = try reader.offset(at: record + 32)
            directorySize = try reader.offset(at: record + 40)
            directoryOffset = try reader.offset(at: record + 48)
        }
        guard entryCount <= Self.maximumEntryCount else { throw fail("\(entryCount) entries is more than any checkpoint has") }
        guard directoryOffset <= bytes.count, directorySize <= bytes.count - directoryOffset else {
            throw fail("the central directory lies outside the file")
        }
        var entries: [String: Entry] = [:]
        var position = directoryOffset
        for _ in 0..<entryCount {
            guard reader.signature(at: position) == 0x0201_4B50 else { throw fail("bad central directory entry") }
            let method = try reader.u16(at: position + 10)
            var compressedSize = Int(try reader.u32(at: position + 20))
            var size = Int(try reader.u32(at: position + 24))
            let nameLength = Int(try reader.u16(at: position + 28))
            let extraLength = Int(try reader.u16(at: position + 30))
            let commentLength = Int(try reader.u16(at: position + 32))
            var localOffset = Int(try reader.u32(at: position + 42))
            let name = String(decoding: try reader.bytes(at: position + 46, count: nameLength), as: UTF8.self)
            // ZIP64 extended information: the 64-bit values of the fields that read 0xFFFFFFFF, in order.
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let tag = try reader.u16(at: extra)
                let length = Int(try reader.u16(at: extra + 2))
                if tag == 0x0001 {
                    var field = extra + 4
                    func widen(_ value: inout Int) throws {
                        guard value == 0xFFFF_FFFF else { return }
                        guard field + 8 <= extra + 4 + length else { throw fail("truncated ZIP64 field in \(name)") }
                        value = try reader.offset(at: field)
                        field += 8
                    }
                    try widen(&size)
                    try widen(&compressedSize)
                    try widen(&localOffset)
                }
                extra += 4 + length
            }
            guard method == 0, compressedSize == size else {
                throw fail("entry \(name) is compressed (method \(method)); torch.save writes stored entries only")
            }
            guard reader.signature(at: localOffset) == 0x0403_4B50 else { throw fail("bad local header for \(name)") }
            let dataStart = localOffset + 30 + Int(try reader.u16(at: localOffset + 26)) + Int(try reader.u16(at: localOffset + 28))
            guard dataStart <= bytes.count, size <= bytes.count - dataStart else { throw fail("entry \(name) runs past the end of the file") }
            entries[name] = Entry(name: name, dataRange: dataStart..<(dataStart + size))
            position += 46 + nameLength + extraLength + commentLength
        }
        self.entries = entries
    }
}

/// Bounds-checked little-endian reads from mapped bytes; every failure is the caller's error.
struct LittleEndianReader {
    let bytes: UnsafeRawBufferPointer
    let fail: (String) -> CheckpointError

    func u16(at offset: Int) throws -> UInt16 {
        guard offset >= 0, offset <= bytes.count - 2 else { throw fail("truncated file") }
        return UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    func u32(at offset: Int) throws -> UInt32 {
        guard offset >= 0, offset <= bytes.count - 4 else { throw fail("truncated file") }
        return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// A 64-bit size or offset, refused when it cannot describe a position in this file.
    func offset(at offset: Int) throws -> Int {
        guard offset >= 0, offset <= bytes.count - 8 else { throw fail("truncated file") }
        let value = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
        guard value <= UInt64(bytes.count) else { throw fail("an offset points past the end of the file") }
        return Int(value)
    }

    /// A four-byte signature, or `nil` when `offset` is not inside the file.
    func signature(at offset: Int) -> UInt32? {
        try? u32(at: offset)
    }

    func bytes(at offset: Int, count: Int) throws -> UnsafeRawBufferPointer {
        guard offset >= 0, count >= 0, offset <= bytes.count, count <= bytes.count - offset else { throw fail("truncated file") }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    }
}
