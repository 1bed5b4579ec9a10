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
