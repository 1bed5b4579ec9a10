// swift-tools-version:6.0
//
// HEDiffusion: privacy-preserving Stable Diffusion on CKKS homomorphic encryption.
// Layering (DESIGN.md §4): arrows point to dependencies.
//
//   hediff ─► Benchmarks ─► HEDiffusion, StableDiffusion, CKKS   (hediff's benchmarks; no product)
//   hediff ─► HEDiffusion ─► CKKS ─► RingArithmetic ─► ModularArithmetic
//                  │                       └─► swift-crypto (CSPRNG only)
//                  ├───────► StableDiffusion ─► Tensor ─► CBLAS (OpenBLAS)
//                  │                │          └─► TensorKernels (C: AVX-512 loops, function-level target attributes)
//                  │                └─► Imaging
//                  └───────► Imaging (pixel images, PNG, PSNR/SSIM, safe output files; knows no Tensor)
//   TwoPartyCompute ─► ObliviousTransfer ─► SecretSharing ─► RingArithmetic   (private U-Net, 2PC)
//                            └─► OTKernels (C: VAES/AES-NI and an AVX2 bit transpose with function-level target attributes, GF(2^255−19) product)
//   hediff ─► PrivateUNet ─► StableDiffusion, SecretSharing   (fixed-point reference of the private U-Net)
//   _TestSupport ─► StableDiffusion   (helpers for the test targets; no product)
//
// No unsafe flags, so that other packages can depend on these libraries by version. This
// package's own builds add AVX2/BMI2 code generation through the Makefile (`make build`).
import PackageDescription

let package = Package(
    name: "HEDiffusion",
    products: [
        .library(name: "CKKS", targets: ["CKKS"]),
        .library(name: "Imaging", targets: ["Imaging"]),
        .library(name: "StableDiffusion", targets: ["StableDiffusion"]),
        .library(name: "HEDiffusion", targets: ["HEDiffusion"]),
        .executable(name: "hediff", targets: ["hediff"]),
        // Test helpers (the seeded generator, the safetensors writer) for this package's tests and
        // its fuzzing package (Fuzz/); the underscore says it is not API.
        .library(name: "_TestSupport", targets: ["_TestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
        .package(url: "https://github.com/attaswift/BigInt.git", exact: "6.0.1"),
    ],
    targets: [
        .target(name: "ModularArithmetic"),
        .target(
            name: "RingArithmetic",
            dependencies: [
                "ModularArithmetic",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        .target(
            name: "CKKS",
            dependencies: ["RingArithmetic", "ModularArithmetic", .product(name: "Crypto", package: "swift-crypto")]),
        .systemLibrary(
            name: "CBLAS", pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]),
        // AVX-512 inner loops in C, enabled per function and chosen at run time (no compiler flags).
        .target(name: "TensorKernels"),
        .target(name: "Tensor", dependencies: ["CBLAS", "TensorKernels"]),
        // JPEG decoding through the system's libjpeg (Debian: libjpeg-dev), in C so that libjpeg's
        // longjmp error handling never crosses Swift frames.
        .target(name: "JPEGDecoding", linkerSettings: [.linkedLibrary("jpeg")]),
        .target(name: "Imaging", dependencies: ["JPEGDecoding"]),
        .target(name: "StableDiffusion", dependencies: ["Imaging", "Tensor"]),
        .target(name: "HEDiffusion", dependencies: ["CKKS", "Imaging", "RingArithmetic", "StableDiffusion", "Tensor"]),
        // The benchmarks behind `hediff bench` and `hediff ckks bench` (no product: hediff's alone).
        .target(name: "Benchmarks", dependencies: ["CKKS", "HEDiffusion", "RingArithmetic", "StableDiffusion", "Tensor"]),
        .executableTarget(
            name: "hediff",
            dependencies: [
                "Benchmarks", "CKKS", "HEDiffusion", "Imaging", "PrivateUNet", "StableDiffusion", "TwoPartyCompute",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .target(name: "SecretSharing", dependencies: ["RingArithmetic"]),
        .target(name: "OTKernels"),
        .target(
            name: "ObliviousTransfer",
            dependencies: ["SecretSharing", "RingArithmetic", "OTKernels", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "TwoPartyCompute", dependencies: ["SecretSharing", "ObliviousTransfer"]),
        // The private U-Net's fixed-point reference (plaintext integers, what the 2PC protocol computes);
        // reads configs and weights through StableDiffusion, which imports nothing of it.
        .target(name: "PrivateUNet", dependencies: ["SecretSharing", "StableDiffusion", "Tensor"]),
        // Helpers shared by the test targets (no product: not part of the libraries).
        .target(name: "_TestSupport", dependencies: ["StableDiffusion"], path: "Tests/_TestSupport"),
        .testTarget(name: "ModularArithmeticTests", dependencies: ["ModularArithmetic", "BigInt", "_TestSupport"]),
        .testTarget(
            name: "RingArithmeticTests",
            dependencies: [
                "RingArithmetic", "BigInt", "_TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]),
        .testTarget(name: "CKKSTests", dependencies: ["CKKS", "RingArithmetic", "ModularArithmetic", "_TestSupport"]),
        .testTarget(name: "TensorTests", dependencies: ["Tensor", "_TestSupport"]),
        .testTarget(name: "ImagingTests", dependencies: ["Imaging"]),
        .testTarget(name: "StableDiffusionTests", dependencies: ["StableDiffusion", "Imaging", "Tensor", "_TestSupport"]),
        .testTarget(name: "HEDiffusionTests", dependencies: ["HEDiffusion", "CKKS", "Imaging", "StableDiffusion", "Tensor"]),
        .testTarget(name: "SecretSharingTests", dependencies: ["SecretSharing", "_TestSupport"]),
        .testTarget(name: "ObliviousTransferTests", dependencies: ["ObliviousTransfer", "SecretSharing", "_TestSupport", .product(name: "Crypto", package: "swift-crypto"), .product(name: "_CryptoExtras", package: "swift-crypto")]),
        .testTarget(name: "TwoPartyComputeTests", dependencies: ["TwoPartyCompute", "ObliviousTransfer", "SecretSharing", "_TestSupport"]),
        .testTarget(name: "PrivateUNetTests", dependencies: ["PrivateUNet", "SecretSharing", "StableDiffusion", "Tensor", "_TestSupport"]),
        .testTarget(name: "BenchmarksTests", dependencies: ["Benchmarks", "CKKS"]),
        .testTarget(name: "HEDiffCLITests", dependencies: ["hediff", "HEDiffusion", "Imaging", "StableDiffusion"]),
    ]
)
