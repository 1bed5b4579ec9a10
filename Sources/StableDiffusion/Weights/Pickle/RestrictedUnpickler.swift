/// A pickle reader that executes nothing: it interprets the binary opcodes `torch.save` emits
/// (protocols 2–5) and builds plain values, and it resolves a Python global only when the global
/// is on a short allow-list of what a tensor state dict needs. The "calls" a state dict makes
/// (`_rebuild_tensor_v2`, `OrderedDict()`) are interpreted here as data constructors; any other
/// global stops loading with `CheckpointError.refusedGlobal` naming it.
///
/// Untrusted input: every length is checked against the remaining bytes, the stack and memo
/// are bounded by the program's size, and containers live in an arena (no reference cycles).
struct RestrictedUnpickler {
    /// Globals a state dict may reference, and what each is.
    private enum Allowed {
        /// `torch._utils._rebuild_tensor_v2` / `_rebuild_tensor`: (storage, offset, size, stride, …) → tensor.
        case rebuildTensor
        /// `torch._utils._rebuild_parameter`: (tensor, requires_grad, hooks) → the tensor.
        case rebuildParameter
        /// `collections.OrderedDict`: () or ([(key, value)]) → dict.
        case orderedDict
        /// `torch.FloatStorage` and its siblings, named by persistent ids.
        case storageType(SafeTensorsDType)
        /// A class that Lightning checkpoints use as a dict key (`ModelCheckpoint`); never called.
        case inert
    }

    private static let allowed: [String: Allowed] = {
        var table: [String: Allowed] = [
            "torch._utils._rebuild_tensor_v2": .rebuildTensor,
            "torch._utils._rebuild_tensor": .rebuildTensor,
            "torch._utils._rebuild_parameter": .rebuildParameter,
            "collections.OrderedDict": .orderedDict,
            "pytorch_lightning.callbacks.model_checkpoint.ModelCheckpoint": .inert,
        ]
        let storages: [(String, SafeTensorsDType)] = [
            ("Float", .float32), ("Half", .float16), ("BFloat16", .bfloat16), ("Double", .float64),
            ("Long", .int64), ("Int", .int32), ("Short", .int16), ("Char", .int8), ("Byte", .uint8), ("Bool", .bool),
        ]
        for (name, dtype) in storages { table["torch.\(name)Storage"] = .storageType(dtype) }
        return table
    }()

    private let bytes: UnsafeRawBufferPointer
    private let path: String
    private var position = 0
    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]
    /// Lists and dicts, referred to by index from `PickleValue.list` / `.dict`.
    private(set) var lists: [[PickleValue]] = []
    private(set) var dicts: [[(key: PickleValue, value: PickleValue)]] = []

    init(bytes: UnsafeRawBufferPointer, path: String) {
        self.bytes = bytes
        self.path = path
    }

    /// Runs the program to its STOP opcode and returns the value it leaves.
    mutating func load() throws -> PickleValue {
        while true {
            let opcode = try byte()
            switch opcode {
            case 0x80: _ = try byte()  // PROTO
            case 0x95: _ = try take(8)  // FRAME: a length hint only
            case 0x2E:  // STOP
                guard stack.count == 1, marks.isEmpty else { throw invalid("the program ends with \(stack.count) values") }
                return stack[0]
            case 0x28: marks.append(stack.count)  // MARK
            case 0x7D: push(newDict())  // EMPTY_DICT
            case 0x5D: push(newList())  // EMPTY_LIST
            case 0x29: push(.tuple([]))  // EMPTY_TUPLE
            case 0x4E: push(.none)  // NONE
            case 0x88: push(.bool(true))  // NEWTRUE
            case 0x89: push(.bool(false))  // NEWFALSE
            case 0x4B: push(.int(Int(try byte())))  // BININT1
            case 0x4D: push(.int(Int(try unsigned(2))))  // BININT2
            case 0x4A: push(.int(Int(Int32(truncatingIfNeeded: try unsigned(4)))))  // BININT
            case 0x8A: push(.int(try long(count: Int(try byte()))))  // LONG1
            case 0x8B: push(.int(try long(count: try length(4))))  // LONG4
            case 0x47:  // BINFLOAT, big-endian
                let raw = try take(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
                push(.float(Double(bitPattern: raw)))
            case 0x58: push(.string(try text(try length(4))))  // BINUNICODE
            case 0x8C: push(.string(try text(Int(try byte()))))  // SHORT_BINUNICODE
            case 0x8D: push(.string(try text(try length(8))))  // BINUNICODE8
            case 0x55: push(.string(try text(Int(try byte()))))  // SHORT_BINSTRING
            case 0x54: push(.string(try text(try length(4))))  // BINSTRING
            case 0x43: push(.bytes(try take(Int(try byte())).count))  // SHORT_BINBYTES
            case 0x42: push(.bytes(try take(try length(4)).count))  // BINBYTES
            case 0x8E: push(.bytes(try take(try length(8)).count))  // BINBYTES8
            case 0x71: try memoize(Int(try byte()))  // BINPUT
            case 0x72: try memoize(Int(try unsigned(4)))  // LONG_BINPUT
            case 0x94: try memoize(memo.count)  // MEMOIZE
            case 0x68: try recall(Int(try byte()))  // BINGET
            case 0x6A: try recall(Int(try unsigned(4)))  // LONG_BINGET
            case 0x74: push(.tuple(try popMark()))  // TUPLE
            case 0x85: push(.tuple(try pop(1)))  // TUPLE1
            case 0x86: push(.tuple(try pop(2)))  // TUPLE2
            case 0x87: push(.tuple(try pop(3)))  // TUPLE3
            case 0x61: try append(try pop(1))  // APPEND
            case 0x65: try append(try popMark())  // APPENDS
            case 0x73: try setItems(try pop(2))  // SETITEM
            case 0x75: try setItems(try popMark())  // SETITEMS
            case 0x63:  // GLOBAL "module\nname\n"
                let module = try line()
                push(try global(module + "." + (try line())))
            case 0x93:  // STACK_GLOBAL
                let parts = try pop(2)
                guard case let .string(module) = parts[0], case let .string(name) = parts[1] else {
                    throw invalid("STACK_GLOBAL needs two strings")
                }
                push(try global(module + "." + name))
            case 0x51: push(try persistentLoad(try pop(1)[0]))  // BINPERSID
            case 0x52:  // REDUCE
                let parts = try pop(2)
                push(try call(parts[0], arguments: parts[1]))
            case 0x62:  // BUILD: the state of a dict (`_metadata`) or tensor carries nothing we read
                let parts = try pop(2)
                switch parts[0] {
                case .dict, .tensor: push(parts[0])
                default: throw invalid("BUILD on something that is not a dict or tensor")
                }
            case 0x81, 0x92:  // NEWOBJ, NEWOBJ_EX: instances of classes, which a state dict has none of
                throw invalid("the pickle constructs an object; a tensor state dict has none")
            default:
                throw invalid("unsupported opcode 0x\(String(opcode, radix: 16)) at byte \(position - 1)")
            }
        }
    }

    /// The entries of dict `index`, in order.
    func entries(ofDict index: Int) -> [(key: PickleValue, value: PickleValue)] { dicts[index] }

    // MARK: Interpreting globals

    private func global(_ dotted: String) throws -> PickleValue {
        guard Self.allowed[dotted] != nil else { throw CheckpointError.refusedGlobal(file: path, global: dotted) }
        return .global(dotted)
    }

    private mutating func call(_ callable: PickleValue, arguments: PickleValue) throws -> PickleValue {
        guard case let .global(name) = callable, let kind = Self.allowed[name] else {
            throw invalid("REDUCE on something that is not an allowed function")
        }
        guard case let .tuple(args) = arguments else { throw invalid("REDUCE arguments are not a tuple") }
        switch kind {
        case .rebuildTensor:
            guard args.count >= 4, case let .storage(storage) = args[0], case let .int(offset) = args[1],
                  let shape = integers(args[2]), let strides = integers(args[3]), shape.count == strides.count
            else { throw invalid("\(name) has unexpected arguments") }
            return .tensor(TorchTensor(storage: storage, offset: offset, shape: shape, strides: strides))
        case .rebuildParameter:
            guard let first = args.first, case .tensor = first else { throw invalid("\(name) has unexpected arguments") }
            return first
        case .orderedDict:
            let dict = newDict()
            guard case let .dict(index) = dict else { return dict }
            if let first = args.first {
                guard args.count == 1, case let .list(items) = first else { throw invalid("OrderedDict has unexpected arguments") }
                for item in lists[items] {
                    guard case let .tuple(pair) = item, pair.count == 2 else { throw invalid("OrderedDict items are not pairs") }
                    dicts[index].append((pair[0], pair[1]))
                }
            }
            return dict
        case .storageType, .inert:
            throw CheckpointError.refusedGlobal(file: path, global: name + "(…) (a call)")
        }
    }

    /// `('storage', <storage type>, key, location, element count)`, torch's persistent id.
    private func persistentLoad(_ id: PickleValue) throws -> PickleValue {
        guard case let .tuple(parts) = id, parts.count == 5, case .string("storage") = parts[0],
              case let .global(typeName) = parts[1], case let .storageType(dtype)? = Self.allowed[typeName],
              case let .string(key) = parts[2], case let .int(count) = parts[4], count >= 0
        else { throw invalid("unexpected persistent id (not a torch storage)") }
        return .storage(TorchStorage(dtype: dtype, key: key, elementCount: count))
    }

    private func integers(_ value: PickleValue) -> [Int]? {
        guard case let .tuple(items) = value else { return nil }
        var result: [Int] = []
        for item in items {
            guard case let .int(n) = item, n >= 0 else { return nil }
            result.append(n)
        }
        return result
    }

    // MARK: Containers

    private mutating func newDict() -> PickleValue {
        dicts.append([])
        return .dict(dicts.count - 1)
    }

    private mutating func newList() -> PickleValue {
        lists.append([])
        return .list(lists.count - 1)
    }

    private mutating func append(_ items: [PickleValue]) throws {
        guard case let .list(index)? = stack.last else { throw invalid("APPEND to something that is not a list") }
        lists[index].append(contentsOf: items)
    }

    private mutating func setItems(_ items: [PickleValue]) throws {
        guard case let .dict(index)? = stack.last, items.count.isMultiple(of: 2) else {
            throw invalid("SETITEMS on something that is not a dict")
        }
        for i in stride(from: 0, to: items.count, by: 2) { dicts[index].append((items[i], items[i + 1])) }
    }

    // MARK: Stack and memo

    private mutating func push(_ value: PickleValue) { stack.append(value) }

    private mutating func pop(_ count: Int) throws -> [PickleValue] {
        guard stack.count - (marks.last ?? 0) >= count else { throw invalid("stack underflow") }
        defer { stack.removeLast(count) }
        return Array(stack.suffix(count))
    }

    private mutating func popMark() throws -> [PickleValue] {
        guard let mark = marks.popLast() else { throw invalid("no MARK to pop to") }
        defer { stack.removeSubrange(mark...) }
        return Array(stack[mark...])
    }

    private mutating func memoize(_ index: Int) throws {
        guard let top = stack.last else { throw invalid("memoizing an empty stack") }
        memo[index] = top
    }

    private mutating func recall(_ index: Int) throws {
        guard let value = memo[index] else { throw invalid("memo entry \(index) was never stored") }
        push(value)
    }

    // MARK: Reading the program

    private func invalid(_ reason: String) -> CheckpointError { .invalidPickle(file: path, reason: reason) }

    private mutating func byte() throws -> UInt8 {
        guard position < bytes.count else { throw invalid("the program ends without STOP") }
        defer { position += 1 }
        return bytes[position]
    }

    private mutating func take(_ count: Int) throws -> UnsafeRawBufferPointer {
        guard count >= 0, count <= bytes.count - position else { throw invalid("a value runs past the end of the program") }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
    }

    private mutating func unsigned(_ count: Int) throws -> UInt64 {
        try take(count).reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
    }

    /// A length prefix, refused when it exceeds what is left of the program.
    private mutating func length(_ count: Int) throws -> Int {
        let value = try unsigned(count)
        guard value <= UInt64(bytes.count - position) else { throw invalid("a length runs past the end of the program") }
        return Int(value)
    }

    /// A little-endian two's-complement integer of `count` bytes (LONG1/LONG4), at most 64 bits.
    private mutating func long(count: Int) throws -> Int {
        guard count <= 8 else { throw invalid("an integer wider than 64 bits") }
        let raw = try take(count)
        guard count > 0 else { return 0 }
        let value = raw.reversed().reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let shift = UInt64(64 - 8 * count)
        return Int(truncatingIfNeeded: Int64(bitPattern: value << shift) >> shift)
    }

    private mutating func text(_ count: Int) throws -> String {
        String(decoding: try take(count), as: UTF8.self)
    }

    /// A newline-terminated line (GLOBAL's operands), at most 256 bytes.
    private mutating func line() throws -> String {
        var scalars: [UInt8] = []
        while true {
            let next = try byte()
            if next == 0x0A { return String(decoding: scalars, as: UTF8.self) }
            guard scalars.count < 256 else { throw invalid("a GLOBAL name longer than 256 bytes") }
            scalars.append(next)
        }
    }
}
