# The two set-up commands of the README: `make demo` runs the main job, `make test` the whole test suite.
.PHONY: setup build demo test bench

setup:
	@./scripts/setup.sh

build: setup
	swift build -c release

demo: build
	.build/release/hediff generate --prompt "a large red circle on the left, blue background" --output hediff-demo.png

test: setup
	swift test -c release

bench: build
	.build/release/hediff ckks bench
