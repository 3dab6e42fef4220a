# Vigil: `make run` starts it, `make test` runs the whole suite, `make bench` prints the figures.
SHELL := /bin/bash
TEST_PG_DIR ?= /tmp/vigil-test-pg-$(shell id -u)
SWIFT_BUILD_FLAGS ?=

.PHONY: run build release test test-swift test-e2e bench fuzz deps test-deps protos clean

# What `vigil serve` needs; test-deps adds the test tools (Alertmanager, Chromium).
deps:
	@scripts/ensure-deps.sh

test-deps:
	@scripts/ensure-deps.sh test

build: deps
	swift build $(SWIFT_BUILD_FLAGS)

release: deps
	swift build -c release --product vigil

run: release
	.build/release/vigil serve

# The whole suite against a real Postgres that this target starts and stops itself.
test: test-deps
	swift build --build-tests $(SWIFT_BUILD_FLAGS)
	@scripts/ensure-python.sh
	@set -euo pipefail; \
	  url=$$(scripts/test-postgres.sh start "$(TEST_PG_DIR)"); \
	  trap 'scripts/test-postgres.sh stop "$(TEST_PG_DIR)"' EXIT; \
	  export VIGIL_TEST_DATABASE_URL="$$url"; \
	  swift test --skip-build --no-parallel; \
	  Tests/e2e/run.sh "$$url" .build/debug/vigil

# Property-based fuzzing of the API against /openapi.json (schemathesis), far longer than the pass
# in `make test`: VIGIL_FUZZ_EXAMPLES requests per operation (default 400), VIGIL_FUZZ_SEED to repeat a run.
# Prints how long it ran and how many requests it made. Then libFuzzer on every decoder
# (scripts/fuzz.sh): FUZZ_SECONDS per target (default 60), FUZZ_TARGETS to pick some; prints the
# seconds and inputs each ran, keeps crashes in Fuzz/crashes/.
fuzz: test-deps
	swift build $(SWIFT_BUILD_FLAGS)
	@scripts/ensure-python.sh
	@set -euo pipefail; \
	  url=$$(scripts/test-postgres.sh start "$(TEST_PG_DIR)-fuzz"); \
	  trap 'scripts/test-postgres.sh stop "$(TEST_PG_DIR)-fuzz"' EXIT; \
	  start=$$(date +%s); \
	  VIGIL_FUZZ_EXAMPLES=$${VIGIL_FUZZ_EXAMPLES:-400} Tests/e2e/run.sh "$$url" .build/debug/vigil -s test_schemathesis.py; \
	  echo "make fuzz: schemathesis took $$(( $$(date +%s) - start )) s"
	scripts/fuzz.sh

bench: test-deps release
	@scripts/ensure-python.sh
	@set -euo pipefail; \
	  url=$$(scripts/test-postgres.sh start "$(TEST_PG_DIR)-bench"); \
	  trap 'scripts/test-postgres.sh stop "$(TEST_PG_DIR)-bench"' EXIT; \
	  Tests/e2e/.venv-proto/bin/python Benchmarks/ingest_bench.py --url "$$url" --vigil .build/release/vigil; \
	  echo; \
	  Tests/e2e/.venv-proto/bin/python Benchmarks/realistic_bench.py --url "$$url" --vigil .build/release/vigil; \
	  echo; \
	  Tests/e2e/.venv-proto/bin/python Benchmarks/processor_bench.py --url "$$url" --vigil .build/release/vigil; \
	  echo; \
	  Tests/e2e/.venv-proto/bin/python Benchmarks/alert_bench.py --url "$$url" --vigil .build/release/vigil; \
	  echo; \
	  Tests/e2e/.venv-proto/bin/python Benchmarks/drift_bench.py --vigil .build/release/vigil; \
	  echo; \
	  Tests/e2e/.venv-proto/bin/python Benchmarks/flood_bench.py --url "$$url" --vigil .build/release/vigil; \
	  echo; \
	  Tests/e2e/.venv-proto/bin/python Benchmarks/retention_bench.py --url "$$url" --vigil .build/release/vigil; \
	  echo; \
	  Tests/e2e/.venv-proto/bin/python Benchmarks/anomaly_bench.py

protos:
	scripts/generate-protos.sh

clean:
	rm -rf .build
