# The README's commands. `make test` is what CI runs (.ci/run).
.PHONY: setup build release demo test soak bench bench-http bench-sim bench-bot bench-strategy bench-web bench-backtest bench-fleet fuzz-http

setup:
	@scripts/setup

build: setup
	swift build

# The binary to ship: release, with the Swift runtime and Foundation linked in, so a server needs
# only the Debian libraries (no Swift toolchain), and a command starts ~10 ms sooner. Its own
# build directory, so the other release builds here are not rebuilt by the flag.
release: setup
	swift build -c release --static-swift-stdlib --scratch-path .build-static --product alphaengine
	@echo ".build-static/release/alphaengine"

# The whole system on this machine: simulator, bot and web; prints the URL and a login. Ctrl-C stops it.
demo: setup
	swift build --product alphaengine
	.build/debug/alphaengine demo

# Every test; then the bot and store suites again with PostgreSQL as the store of every test that
# does not name its engine (a scratch cluster the tests start and stop), so both engines pass them.
test: setup
	swift build --build-tests
	swift test --disable-xctest
	ALPHAENGINE_TEST_STORE=postgresql swift test --disable-xctest --skip-build --filter "AlphaBotTests|AlphaStoreTests"

# A full day of market time at 240× (6 min) through sim, bot, strategy, notifier, web, a stream
# client and API reads; memory, logs and the chaos invariants checked at the end. CI runs 3 hours.
soak: setup
	swift build --build-tests
	SOAK_MARKET_HOURS=$(or $(HOURS),24) swift test --disable-xctest --skip-build --filter SoakTests

# Benchmarks print figures; they are never part of the tests (shared, noisy machines).
bench: setup
	swift build -c release --product alphaengine-bench
	.build/release/alphaengine-bench

# Our HTTP server against a Hummingbird 2 baseline with wrk (see scripts/bench-http for
# DURATION, ROUNDS, ONLY=ours|hummingbird). Prints figures; never part of the tests.
bench-http: setup
	scripts/bench-http

# libFuzzer + AddressSanitizer on the HTTP request parser (FUZZ_SECONDS, default 600).
fuzz-http: setup
	scripts/fuzz-http

# The bot process against the simulator: command → ack/projection, fill → commit, recovery with
# the stream down, boot over 1 M events, memory (release build). `ORDERS=…` and `BOOT_EVENTS=…` scale it.
bench-bot: setup
	swift build -c release --product alphaengine
	swift build -c release --product alphaengine-bot-bench
	.build/release/alphaengine-bot-bench $(or $(ORDERS),200) $(or $(BOOT_EVENTS),1000000)

# The strategy in the bot process: candle close → StrategyEvaluated → the decision's order
# acknowledged (p50/p99), decide() per candle, and the bot's memory with each strategy's data.
bench-strategy: setup
	swift build -c release --product alphaengine
	swift build -c release --product alphaengine-bot-bench
	ONLY=strategy .build/release/alphaengine-bot-bench $(or $(ORDERS),200)

# The simulator's matching and event-delivery rates (release build).
bench-sim: setup
	swift build -c release --product alphaengine-sim-bench
	.build/release/alphaengine-sim-bench

# The web process: wrk on /api/dashboard and /api/events against Hummingbird 2 serving the same
# app, and SSE fan-out commit → frame latency to 500 subscribers (see scripts/bench-web).
bench-web: setup
	scripts/bench-web

# PostgreSQL against SQLite (appends, db copy, command → ACK, commit → SSE) and 10 and 50 bots on
# one PostgreSQL (see scripts/bench-fleet). Prints figures; never part of the tests.
bench-fleet: setup
	scripts/bench-fleet

# The backtest against backtesting.py on the same 200 000 one-minute candles, and tune on every
# core (see scripts/bench-backtest for CANDLES, ROUNDS). Prints figures; never part of the tests.
bench-backtest: setup
	scripts/bench-backtest
