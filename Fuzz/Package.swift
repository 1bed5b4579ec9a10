// swift-tools-version:6.0
//
// libFuzzer targets for every deserializer of HEDiffusion (README.md in this folder). A package of
// its own, so that the root Package.swift stays free of unsafe flags: the sanitizer and coverage
// flags come from the command line (`make fuzz`), which applies them to the libraries too.
import PackageDescription

/// One executable per deserializer; each file is `Sources/<name>/main.swift`.
let targetNames = [
    "fuzz-ckks-parameters",
    "fuzz-ckks-secret-key",
    "fuzz-ckks-public-key",
    "fuzz-ckks-relinearization-key",
    "fuzz-ckks-galois-keys",
    "fuzz-ckks-plaintext",
    "fuzz-ckks-ciphertext",
    "fuzz-update-request",
    "fuzz-update-reply",
    "fuzz-safetensors",
    "fuzz-png",
    "fuzz-inflate",
    "fuzz-model-config",
    "fuzz-tokenizer",
    "fuzz-model-folder",
    "fuzz-checkpoint",
]

let libraries: [Target.Dependency] = [
    .product(name: "CKKS", package: "HEDiffusion"),
    .product(name: "StableDiffusion", package: "HEDiffusion"),
    .product(name: "HEDiffusion", package: "HEDiffusion"),
    .product(name: "Imaging", package: "HEDiffusion"),
    .product(name: "_TestSupport", package: "HEDiffusion"),
]

let package = Package(
    name: "HEDiffusionFuzz",
    products: targetNames.map { .executable(name: $0, targets: [$0]) },
    dependencies: [.package(name: "HEDiffusion", path: "..")],
    targets: [
        .target(name: "FuzzSupport", dependencies: libraries),
    ] + targetNames.map { .executableTarget(name: $0, dependencies: ["FuzzSupport"] + libraries) }
)
