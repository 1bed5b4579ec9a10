import Foundation

/// Which OpenBLAS kernel set suits this CPU when OpenBLAS's own detection falls short.
///
/// A DYNAMIC_ARCH OpenBLAS picks its kernels from the CPU model at load time. An OpenBLAS older
/// than the CPU (Debian 12's 0.3.21 on a Sapphire Rapids Xeon, or a virtual CPU reporting a
/// generic model) falls back to "Prescott" (SSE3), measured here 2.4x slower on the U-Net and
/// 4.7x on the VAE than its AVX-512 kernels on the same machine (BENCHMARKS.md). The choice is
/// made from the CPU's feature flags instead: SkylakeX with AVX-512 (F, DQ, BW, VL), Haswell
/// with AVX2 and FMA. OpenBLAS reads `OPENBLAS_CORETYPE` only when it loads, so a program
/// applies the choice by setting it and re-executing itself (`hediff` does) or in its launcher.
public enum BLASKernelChoice {
    /// Kernel sets that use AVX2 or AVX-512: OpenBLAS detected the CPU well enough.
    static let vectorKernels: Set<String> = [
        "Haswell", "SkylakeX", "Cooperlake", "SapphireRapids", "Zen", "Zen3", "Zen4", "Excavator",
    ]

    /// The kernel set to ask for, or `nil` when OpenBLAS's choice `current` already uses the
    /// CPU's vector units (or the CPU has neither AVX2 nor AVX-512).
    public static func better(than current: String, cpuFlags: Set<String>) -> String? {
        guard !vectorKernels.contains(current) else { return nil }
        if cpuFlags.isSuperset(of: ["avx512f", "avx512dq", "avx512bw", "avx512vl"]) { return "SkylakeX" }
        if cpuFlags.isSuperset(of: ["avx2", "fma"]) { return "Haswell" }
        return nil
    }

    /// The CPU's feature flags from `/proc/cpuinfo` (Linux); empty elsewhere.
    public static func cpuFlags() -> Set<String> {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("flags") }),
              let colon = line.firstIndex(of: ":")
        else { return [] }
        return Set(line[line.index(after: colon)...].split(separator: " ").map(String.init))
    }
}
