// swift-tools-version:6.0
//
// HEDiffusion: privacy-preserving Stable Diffusion on CKKS homomorphic encryption.
// Layering (DESIGN.md §4): arrows point to dependencies.
//
//   hediff ─► HEDiffusion ─► CKKS ─► RingArithmetic ─► ModularArithmetic
//                  │                       └─► swift-crypto (CSPRNG only)
//                  └───────► StableDiffusion ─► Tensor ─► CBLAS (OpenBLAS)
//   TwoPartyCompute ─► ObliviousTransfer ─► SecretSharing ─► RingArithmetic   (private U-Net, 2PC)
import Foundation
import PackageDescription

/// Code generation for x86-64 CPUs with AVX2 and BMI2 (Haswell, 2013, and later; every machine this
/// project runs on): the NTT's butterflies then vectorize and use mulx, which makes them 2.5x
/// faster. Set HEDIFF_PORTABLE=1 to build for baseline x86-64 instead.
let native: [SwiftSetting] = {
    #if arch(x86_64)
    if ProcessInfo.processInfo.environment["HEDIFF_PORTABLE"] == nil {
        return [.unsafeFlags(["-target-cpu", "haswell"])]
    }
    #endif
    return []
}()

/// The OT extension's fixed-key AES uses AES-NI through the compiler's intrinsics (every x86-64 CPU
/// since 2010 has it); the importer needs the feature enabled to lower them. Debug builds optimize this
/// target too: unoptimized curve arithmetic makes each session's base OTs take ~10 s.
let aesNI: [SwiftSetting] = {
    #if arch(x86_64)
    return [.unsafeFlags(["-Xcc", "-maes", "-Xcc", "-mssse3"]), .unsafeFlags(["-O"], .when(configuration: .debug))]
    #else
    return []
    #endif
}()

let package = Package(
    name: "HEDiffusion",
    products: [
        .library(name: "CKKS", targets: ["CKKS"]),
        .library(name: "StableDiffusion", targets: ["StableDiffusion"]),
        .library(name: "HEDiffusion", targets: ["HEDiffusion"]),
        .executable(name: "hediff", targets: ["hediff"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", exact: "6.0.1"),
    ],
    targets: [
        .target(name: "ModularArithmetic", swiftSettings: native),
        .target(
            name: "RingArithmetic",
            dependencies: [
                "ModularArithmetic",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: native),
        .target(
            name: "CKKS",
            dependencies: ["RingArithmetic", "ModularArithmetic", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: native),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        .target(name: "Tensor", dependencies: ["CBLAS"], swiftSettings: native),
        .target(name: "StableDiffusion", dependencies: ["Tensor"], swiftSettings: native),
        .target(name: "HEDiffusion", dependencies: ["CKKS", "RingArithmetic", "StableDiffusion", "Tensor"], swiftSettings: native),
        .executableTarget(
            name: "hediff",
            dependencies: [
                "CKKS", "StableDiffusion", "HEDiffusion", "Tensor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "SecretSharing", dependencies: ["RingArithmetic"], swiftSettings: native),
        .target(
            name: "ObliviousTransfer",
            dependencies: ["SecretSharing", "RingArithmetic", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: native + aesNI),
        .target(name: "TwoPartyCompute", dependencies: ["SecretSharing", "ObliviousTransfer"], swiftSettings: native),
        .testTarget(name: "ModularArithmeticTests", dependencies: ["ModularArithmetic", "BigInt"]),
        .testTarget(name: "RingArithmeticTests", dependencies: ["RingArithmetic", "BigInt"]),
        .testTarget(name: "CKKSTests", dependencies: ["CKKS", "RingArithmetic", "ModularArithmetic"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor"]),
        .testTarget(name: "StableDiffusionTests", dependencies: ["StableDiffusion"]),
        .testTarget(name: "HEDiffusionTests", dependencies: ["HEDiffusion", "CKKS", "StableDiffusion", "Tensor"]),
        .testTarget(name: "SecretSharingTests", dependencies: ["SecretSharing"]),
        .testTarget(name: "ObliviousTransferTests", dependencies: ["ObliviousTransfer", "SecretSharing", .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto")]),
        .testTarget(name: "TwoPartyComputeTests", dependencies: ["TwoPartyCompute", "ObliviousTransfer", "SecretSharing"]),
        .testTarget(name: "HEDiffCLITests", dependencies: ["hediff", "StableDiffusion"]),
    ]
)
