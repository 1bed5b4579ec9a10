import Foundation

/// Declared by libFuzzer (`libclang_rt.fuzzer_no_main`): runs the fuzzing loop, or the given inputs,
/// with libFuzzer's command-line flags, calling `callback` once per input.
@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt

/// LeakSanitizer's switch for allocations of the calling thread (ASan's runtime provides it).
@_silgen_name("__lsan_disable") private func LSanDisable()
@_silgen_name("__lsan_enable") private func LSanEnable()

/// The entry point of every fuzz executable.
///
/// SwiftPM gives each executable its own `main` (on Linux it links `main` to the module's entry
/// point), so the executables cannot use libFuzzer's `main`; they link libFuzzer without it and
/// start its driver here instead. `--write-seeds DIR` writes the target's seeds into DIR and exits;
/// every other argument is libFuzzer's.
public enum FuzzMain {
    /// The target of this process: set once, before libFuzzer starts calling back.
    nonisolated(unsafe) private static var target: (any FuzzTarget)?

    public static func run<Target: FuzzTarget>(_ type: Target.Type) -> Never {
        let arguments = CommandLine.arguments
        if arguments.count == 3, arguments[1] == "--write-seeds" {
            exit(writeSeeds(type, into: URL(fileURLWithPath: arguments[2])))
        }
        // The target's fixtures live as long as the process, but LeakSanitizer cannot always see
        // that: Swift keeps an enum's case in the spare high bits of a payload pointer
        // (`UpdateRequest.Term` does), and a pointer so tagged does not count as a reference. Its
        // allocations are left out of leak checking, which then covers what each input allocates.
        LSanDisable()
        do {
            target = try Target()
        } catch {
            fatalError("\(Target.self) could not be set up: \(error)")
        }
        LSanEnable()
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
            FuzzMain.target!.fuzz(bytes)
            return 0
        })
    }

    private static func writeSeeds<Target: FuzzTarget>(_ type: Target.Type, into folder: URL) -> Int32 {
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            let seeds = try Target.seeds()
            for seed in seeds {
                try Data(seed.bytes).write(to: folder.appendingPathComponent(seed.name))
            }
            print("\(folder.lastPathComponent): \(seeds.count) seeds, largest \(seeds.map(\.bytes.count).max() ?? 0) bytes")
            return 0
        } catch {
            FileHandle.standardError.write(Data("writing seeds for \(Target.self) failed: \(error)\n".utf8))
            return 1
        }
    }
}
