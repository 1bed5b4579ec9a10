# The two set-up commands of the README: `make demo` runs the main job, `make test` the whole test suite.
.PHONY: setup build demo test bench check-consumer install

# Code generation for x86-64 CPUs with AVX2 and BMI2 (Haswell, 2013, and later; every machine this
# project runs on): the NTT's butterflies then vectorize and use mulx, which makes them 2.5x
# faster. HEDIFF_PORTABLE=1 builds for baseline x86-64 instead. Passed on the command line rather
# than as unsafeFlags in Package.swift, which SwiftPM refuses in packages used by version.
ifeq ($(shell uname -m),x86_64)
ifeq ($(HEDIFF_PORTABLE),)
NATIVE_FLAGS := -Xswiftc -target-cpu -Xswiftc haswell
endif
endif

setup:
	@./scripts/setup.sh

build: setup
	swift build -c release $(NATIVE_FLAGS)

demo: build
	.build/release/hediff generate --prompt "a large red circle on the left, blue background" --output hediff-demo.png

test: setup
	swift test -c release $(NATIVE_FLAGS)

bench: build
	.build/release/hediff ckks bench

# Installs hediff and its embedded model: PREFIX/bin/hediff and PREFIX/share/hediff/tiny-shapes/,
# where an installed hediff looks for the model (Sources/hediff/Commands/DefaultModel.swift).
PREFIX ?= /usr/local
install: build
	install -d "$(PREFIX)/bin" "$(PREFIX)/share/hediff"
	install -m 755 .build/release/hediff "$(PREFIX)/bin/hediff"
	rm -rf "$(PREFIX)/share/hediff/tiny-shapes"
	cp -R Models/tiny-shapes "$(PREFIX)/share/hediff/tiny-shapes"

# Builds a package that depends on this one by version (what `.ci/run` checks after the tests).
check-consumer:
	./scripts/check-consumer.sh

# Fuzzing (Fuzz/README.md): libFuzzer + AddressSanitizer (LeakSanitizer included) over every
# deserializer. `make fuzz` builds the targets, writes their seeds and fuzzes each in turn for
# FUZZ_SECONDS (default 60) or FUZZ_RUNS inputs, whichever ends first; `make fuzz-smoke` runs each
# briefly and fails on any finding.
# Targets link libFuzzer without its main (SwiftPM names each executable's main itself); the
# sanitizer and coverage flags reach every Swift module, the libraries included, but no C target.
FUZZ_TARGETS := ckks-parameters ckks-secret-key ckks-public-key ckks-relinearization-key ckks-galois-keys \
	ckks-plaintext ckks-ciphertext update-request update-reply safetensors png inflate model-config \
	tokenizer model-folder checkpoint
FUZZ_BUILD := Fuzz/.build
FUZZ_OUT ?= Fuzz/.build-corpus
FUZZ_SECONDS ?=
FUZZ_RUNS ?=
FUZZ_SMOKE_RUNS ?= 5000
FUZZ_RUNTIME := $(shell clang -print-resource-dir)/lib/linux/libclang_rt.fuzzer_no_main-$(shell uname -m).a
FUZZ_BUILD_FLAGS := -c release --package-path Fuzz \
	-Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,inline-8bit-counters,pc-table,trace-cmp \
	-Xlinker $(FUZZ_RUNTIME) -Xlinker -lstdc++
FUZZ_BIN = $(shell swift build $(FUZZ_BUILD_FLAGS) --show-bin-path)

.PHONY: fuzz-build fuzz-seeds fuzz fuzz-smoke

fuzz-build: setup
	swift build $(FUZZ_BUILD_FLAGS)

fuzz-seeds: fuzz-build
	./Fuzz/run.sh seeds "$(FUZZ_BIN)" "$(FUZZ_OUT)" $(FUZZ_TARGETS)

fuzz: fuzz-seeds
	FUZZ_SECONDS="$(FUZZ_SECONDS)" FUZZ_RUNS="$(FUZZ_RUNS)" ./Fuzz/run.sh fuzz "$(FUZZ_BIN)" "$(FUZZ_OUT)" $(FUZZ_TARGETS)

fuzz-smoke: fuzz-seeds
	FUZZ_RUNS="$(FUZZ_SMOKE_RUNS)" ./Fuzz/run.sh smoke "$(FUZZ_BIN)" "$(FUZZ_OUT)" $(FUZZ_TARGETS)
