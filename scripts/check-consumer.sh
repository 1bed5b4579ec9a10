#!/usr/bin/env bash
# Checks that the libraries can be used as a dependency: a tiny consumer package depends on a
# clone of this repository's HEAD, tagged 1.0.0, by version (`from: "1.0.0"`), and builds code that
# imports CKKS. SwiftPM refuses versioned dependencies with unsafe build flags, so this fails as
# soon as Package.swift gains one. Only the consumer's own product is built, in debug (it still
# compiles swift-crypto's BoringSSL: a few minutes on 2 cores). Then checks that the same consumer
# cannot call the insecure opt-outs without `@_spi(Testing) import CKKS`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

git clone --quiet --no-hardlinks "$root" "$work/hediffusion"
git -C "$work/hediffusion" tag 1.0.0

mkdir -p "$work/consumer/Sources/Consumer"
cat > "$work/consumer/Package.swift" <<MANIFEST
// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Consumer",
    dependencies: [.package(url: "file://$work/hediffusion", from: "1.0.0")],
    targets: [
        .executableTarget(name: "Consumer", dependencies: [.product(name: "CKKS", package: "hediffusion")]),
    ]
)
MANIFEST
cat > "$work/consumer/Sources/Consumer/main.swift" <<'SOURCE'
import CKKS

let context = try CKKSContext(parameters: .n8192_q31_26x6_31_scale26)
let keys = KeyGenerator(context: context)
let secretKey = keys.generateSecretKey()
let encryptor = Encryptor(publicKey: try keys.generatePublicKey(for: secretKey))
let values = try Decryptor(secretKey: secretKey).decryptValues(try encryptor.encrypt([0.5, -1.25]))
print("consumer: decrypted", values.prefix(2).map { ($0 * 100).rounded() / 100 })
SOURCE

cd "$work/consumer"
swift build --product Consumer
output="$(.build/debug/Consumer)"
echo "$output"
[[ "$output" == "consumer: decrypted [0.5, -1.25]" ]]
echo "check-consumer: a package depending on HEDiffusion 1.0.0 builds and runs"

# The insecure opt-outs are SPI: an application that calls one without `@_spi(Testing) import CKKS`
# must not compile.
cat > "$work/consumer/Sources/Consumer/main.swift" <<'SOURCE'
import CKKS

_ = try CKKSParameters.insecureForTests(polyDegree: 1024, coefficientModulusBits: [30, 30], scale: 0x1p20)
_ = try CKKSParameters(deserializing: [], allowInsecure: true)
SOURCE
if swift build --product Consumer > "$work/insecure.log" 2>&1; then
    echo "check-consumer: the insecure opt-outs are reachable without @_spi(Testing)" >&2
    exit 1
fi
grep -q "insecureForTests" "$work/insecure.log"
grep -q "allowInsecure" "$work/insecure.log"
echo "check-consumer: the insecure opt-outs need @_spi(Testing)"
