# The two entry points of the README. Both install what is missing first (scripts/install-deps),
# then build with CMake and Ninja into $(BUILD_DIR).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
PYTHON := /usr/bin/python3

.PHONY: run test build deps unit integration format config-docs clean

run: build
	$(BUILD_DIR)/src/kontalkd --config config/kontalkd.dev.toml

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)
	KONTALK_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTHON) -m pytest tests/integration

build: deps
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)
	cmake --build $(BUILD_DIR) -j $(JOBS)

deps:
	bash scripts/install-deps

unit: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS)

integration: build
	KONTALK_BUILD_DIR=$(abspath $(BUILD_DIR)) $(PYTHON) -m pytest tests/integration

# Regenerates docs/configuration.md's tables and config/kontalkd.example.toml from the options.
config-docs: build
	scripts/config-docs $(BUILD_DIR)/src/kontalkd --write

format:
	find src tests bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i

clean:
	rm -rf $(BUILD_DIR)
