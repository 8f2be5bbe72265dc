# The two entry points of the README. Both install what is missing first (scripts/install-deps),
# then build with CMake and Ninja into $(BUILD_DIR). `make test` then runs the sanitizer stages,
# which build with clang-16 into $(ASAN_BUILD_DIR) and $(TSAN_BUILD_DIR) (scripts/sanitizer-tests).
BUILD_DIR ?= build
ASAN_BUILD_DIR ?= build-asan
TSAN_BUILD_DIR ?= build-tsan
BUILD_TYPE ?= RelWithDebInfo
# Debug information of the RelWithDebInfo build: full (-g) by default. CI (.ci/run) asks for line
# tables only (-g1): nothing in CI reads more than file:line, and full debug information made the
# GCC compile about a third slower. The code generated is the same either way.
DEBUG_INFO ?= -g
JOBS ?= $(shell nproc)
PYTHON := /usr/bin/python3
export JOBS

.PHONY: run test test-postgres build package deps unit integration asan-test tsan-test fuzz format config-docs clean

run: build
	$(BUILD_DIR)/src/kontalkd --config config/kontalkd.dev.toml

# Every stage of CI, in order: unit and integration tests of the GCC build (the integration tests
# on every core: most of their time is waiting), the same build on PostgreSQL (POSTGRES_TESTS),
# then ASan+UBSan (unit tests, 30 s per fuzzer, an integration subset), then TSan (unit tests of
# threaded code, multi-shard subset).
test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	KONTALK_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTHON) -m pytest -n $(JOBS) tests/integration
	$(POSTGRES_TESTS)
	bash scripts/sanitizer-tests asan $(ASAN_BUILD_DIR)
	bash scripts/sanitizer-tests tsan $(TSAN_BUILD_DIR)

# The one PostgreSQL pass: a throwaway PostgreSQL 15 (scripts/with-postgres), the storage unit
# tests on it, then the whole integration suite with every server on a database of its own
# (tests/integration/kontalk_server.py; the sqlite_only tests are skipped with their reason).
POSTGRES_TESTS = bash scripts/with-postgres sh -c '\
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) -L "storage|offline" && \
	KONTALK_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTHON) -m pytest -n $(JOBS) tests/integration'

test-postgres: build
	$(POSTGRES_TESTS)

build: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 $(DEBUG_INFO) -DNDEBUG"
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The Debian package kontalk-server_VERSION_ARCH.deb in $(BUILD_DIR) (CPack; packaging/).
package: build
	cd $(BUILD_DIR) && cpack -G DEB

deps:
	bash scripts/install-deps

unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

integration: build
	KONTALK_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTHON) -m pytest -n $(JOBS) tests/integration

# Regenerates docs/configuration.md's tables and config/kontalkd.example.toml from the options.
config-docs: build
	scripts/config-docs $(BUILD_DIR)/src/kontalkd --write

asan-test: deps
	bash scripts/sanitizer-tests asan $(ASAN_BUILD_DIR)

tsan-test: deps
	bash scripts/sanitizer-tests tsan $(TSAN_BUILD_DIR)

# Long fuzzing runs: `make fuzz FUZZ_SECONDS=3600` (every target in turn), or scripts/fuzz directly.
FUZZ_SECONDS ?= 600
fuzz: deps
	KONTALK_FUZZ_BUILD_DIR=$(ASAN_BUILD_DIR) bash scripts/fuzz --seconds $(FUZZ_SECONDS)

format:
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR) $(ASAN_BUILD_DIR) $(TSAN_BUILD_DIR)
