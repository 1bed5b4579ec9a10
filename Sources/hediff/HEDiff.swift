import ArgumentParser
import Foundation
import Tensor
#if canImport(Glibc)
import Glibc
#endif

/// The `hediff` command-line tool: privacy-preserving Stable Diffusion on CKKS.
@main
struct HEDiff: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hediff",
        abstract: "Privacy-preserving Stable Diffusion on CKKS homomorphic encryption.",
        subcommands: [
            GenerateCommand.self, CompareCommand.self, AuditCommand.self, TokenizeCommand.self, BenchCommand.self, CKKSCommand.self,
            PrivateCommand.self,
        ])

    static func main() {
        selectBLASKernels()
        configureAllocator()
        main(nil)
    }

    /// Re-executes `hediff` with `OPENBLAS_CORETYPE` set when OpenBLAS chose kernels that leave
    /// this CPU's AVX2/AVX-512 unused (`BLASKernelChoice`); OpenBLAS reads the variable only when
    /// it loads. A user's own OPENBLAS_CORETYPE is left alone; HEDIFF_BLAS_REEXEC stops a loop.
    private static func selectBLASKernels() {
        #if os(Linux)
        let environment = ProcessInfo.processInfo.environment
        guard environment["OPENBLAS_CORETYPE"] == nil, environment["HEDIFF_BLAS_REEXEC"] == nil,
              let kernels = BLASKernelChoice.better(than: blasCoreName, cpuFlags: BLASKernelChoice.cpuFlags())
        else { return }
        setenv("OPENBLAS_CORETYPE", kernels, 1)
        setenv("HEDIFF_BLAS_REEXEC", "1", 1)
        let arguments = CommandLine.arguments.map { strdup($0) } + [nil]
        execv("/proc/self/exe", arguments)
        // execv returned: it failed; carry on with OpenBLAS's own choice.
        unsetenv("OPENBLAS_CORETYPE")
        #endif
    }

    /// Ciphertext limbs and tensors are arrays of hundreds of kilobytes to megabytes. glibc serves
    /// such blocks with mmap and returns them to the kernel on free, so every operation paid fresh
    /// page faults (a fifth of a rescale's time); keeping them in the heap lets them be reused.
    private static func configureAllocator() {
        #if canImport(Glibc)
        // mallopt is declared in <malloc.h>, which the Glibc module does not import: look it up.
        // Parameter numbers from <malloc.h>: M_TRIM_THRESHOLD −1, M_MMAP_THRESHOLD −3.
        typealias MallOpt = @convention(c) (Int32, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MallOpt.self)
        _ = mallopt(-3, 256 << 20)
        _ = mallopt(-1, 512 << 20)
        #endif
    }
}
