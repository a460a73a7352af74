# The two commands a new user needs: `make run` and `make test`. Each installs what is
# missing, configures and builds first. CI (CI=true) turns warnings into errors.
PRESET := $(if $(CI),ci,default)
WERROR := $(if $(CI),ON,OFF)
JOBS ?= 2
# More property cases than RapidCheck's default, unless RC_PARAMS says otherwise.
export RC_PARAMS ?= max_success=500

.PHONY: run test proptest proofs build configure deps diagram format asan tsan fuzz fuzz-test bench sim clean

run: build
	build/bin/smtpd $(ARGS)

# Every test; then all again under AddressSanitizer and UBSan, and the concurrent ones
# (the real server over sockets) under ThreadSanitizer.
test: build
	ctest --preset $(PRESET) -j $(JOBS)
	$(MAKE) asan
	$(MAKE) tsan
	$(MAKE) fuzz-test

# The property suite alone (CTest label `property`); RC_PARAMS passes through, so
# RC_PARAMS="seed=... max_success=..." replays or deepens a run.
proptest: build
	ctest --preset $(PRESET) -L property -j $(JOBS)

# The SPIN proofs alone (CTest label `proof`): every model verified, every mutant rejected.
proofs: build
	ctest --preset $(PRESET) -L proof -j $(JOBS) --output-on-failure

build: configure
	cmake --build --preset $(PRESET) -j $(JOBS)

configure: deps
	@grep -qs "POSTABLE_WERROR:BOOL=$(WERROR)" build/CMakeCache.txt \
	  || cmake --preset $(PRESET) >/dev/null

deps:
	@scripts/install-deps

diagram: build
	cmake --build --preset $(PRESET) --target diagram

format:
	clang-format -i $$(git ls-files '*.cpp' '*.hpp')

asan: deps
	cmake --preset asan-ubsan >/dev/null
	cmake --build --preset asan-ubsan -j $(JOBS)
	ctest --preset asan-ubsan -j $(JOBS)

tsan: deps
	cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS) --target server_test multiclient_test monitor_stress_test \
	  trace_sink_test smtpd smtpsim multiclient failing_sync
	ctest --preset tsan -j 1 -L integration

# The libFuzzer targets (clang): each for a short fixed budget with a fixed seed, and over
# its planted bug, which it must find (label `fuzz`).
fuzz-test: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzz_targets
	ctest --preset fuzz -j $(JOBS) -L fuzz

# Each fuzz target for FUZZ_SECONDS (default 60) on every core; what it finds is kept in
# build-fuzz/found/TARGET for the next run, a failing input in build-fuzz/: make fuzz
# FUZZ_SECONDS=600
FUZZ_SECONDS ?= 60
fuzz: deps
	cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS) --target fuzz_targets
	mkdir -p build-fuzz/found/model && cp model/smtp.model tests/models/*.model build-fuzz/found/model/
	for target in session command model records; do \
	  mkdir -p build-fuzz/found/$$target && (cd build-fuzz && \
	  bin/fuzz_$$target -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -jobs=$(JOBS) \
	    -workers=$(JOBS) found/$$target ../tests/fuzz/corpus/$$target) || exit 1; \
	done

# A default simulator scenario: make sim SEED=42
SEED ?= 1
sim: build
	build/bin/smtpsim --seed $(SEED) --clients 10000 --workers 32 --backup-every 32 --timeout 10

# Benchmarks: medians of several rounds, never timed unit tests.
bench: build
	scripts/install-peers build/peers
	tests/perf/peer_bench.py --build build --peers build/peers --rounds 7 --json build/peer_bench.json
	tests/perf/bench_chart.py build/peer_bench.json build/peer_bench.svg
	build/bin/core_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
	tests/perf/multiclient_bench.sh build 5 10
	tests/perf/trace_bench.sh build 5 5
	tests/perf/sim_bench.sh build 5 1000000
	tests/perf/sim_scale_bench.sh build 10 10000

clean:
	rm -rf build build-asan build-tsan build-fuzz
