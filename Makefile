# The README's commands. `make test` is what CI runs (.ci/run).
.PHONY: setup build test bench

setup:
	@scripts/setup

build: setup
	swift build

test: setup
	swift build --build-tests
	swift test --disable-xctest

# Benchmarks print figures; they are never part of the tests (shared, noisy machines).
bench: setup
	swift build -c release --product alphaengine-bench
	.build/release/alphaengine-bench
