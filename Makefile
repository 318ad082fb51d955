# fleetlab: the two commands of the README.
#   make run   installs what is missing, builds, and runs the default scenario
#   make test  installs what is missing, builds, and runs every test
BUILD ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)

.PHONY: run test build deps bench asan clean web web-test

run: build
	@$(BUILD)/bin/fleetlab run
	@echo
	@$(BUILD)/bin/fleetlab frontier --rates 10:98:30

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE)

deps:
	@scripts/install-deps.sh

bench: build
	$(BUILD)/bin/fleetlab_bench

# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DFLEETLAB_SANITIZE=ON -DFLEETLAB_BENCH=OFF
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# The browser lab's front end (web/): npm ci only when node_modules is missing
# or older than the lockfile, then the Vite build into web/dist.
web: deps web/node_modules/.package-lock.json
	cd web && npm run build

web/node_modules/.package-lock.json: web/package-lock.json
	cd web && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
	@touch $@

# Front-end unit tests (vitest) and the end-to-end walk in Debian's Chromium
# against the real server ($(BUILD)/bin/fleetlab lab; skipped with a message
# until the binary has the `lab` command).
web-test: web build
	cd web && npm test
	cd web && FLEETLAB_BIN=$(abspath $(BUILD))/bin/fleetlab npm run e2e

clean:
	rm -rf $(BUILD) build-asan web/dist
