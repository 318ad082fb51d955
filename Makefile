# fleetlab: the two commands of the README.
#   make run   installs what is missing, builds the engine and the front end,
#              and starts the lab on http://127.0.0.1:8080 (LAB_FLAGS="--port 9000")
#   make test  installs what is missing, builds, and runs every test: the C++
#              suite (unit, validation, golden, CLI, server API and load, the
#              classroom's store, routes, kill -9 and load), the front end's
#              unit tests, the end-to-end walk and the classroom check in Chromium
BUILD ?= build
BUILD_TYPE ?= Release
JOBS ?= $(shell nproc)
# ccache (when installed) shares compiled objects between builds and between
# checkouts at different paths (CCACHE_BASEDIR makes its keys path-relative).
CCACHE := $(shell command -v ccache 2>/dev/null)
LAUNCHER := $(if $(CCACHE),-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := true

.PHONY: run test demo build deps example bench asan asan-configure tsan clean lab loadtest classload fuzz web web-test wasm site site-test python

run: build web
	$(BUILD)/bin/fleetlab lab $(LAB_FLAGS)

test: build web
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	cd web && npm test
	cd web && FLEETLAB_BIN=$(abspath $(BUILD))/bin/fleetlab npm run e2e
	cd web && FLEETLAB_BIN=$(abspath $(BUILD))/bin/fleetlab npm run e2e:class

# The engine alone on its built-in default scenario, and its frontier (no browser).
demo: build
	@$(BUILD)/bin/fleetlab run
	@echo
	@$(BUILD)/bin/fleetlab frontier --rates 10:98:30

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(LAUNCHER)

deps:
	@scripts/install-deps.sh

# The lab server: the front end (web/dist, once built) and the JSON API on
# http://127.0.0.1:8080 (LAB_FLAGS="--port 9000" changes it).
lab: build web
	$(BUILD)/bin/fleetlab lab $(LAB_FLAGS)

# The lab server under load: 100 concurrent clients for 30 s on the real API mix.
LOAD_SECONDS ?= 30
loadtest: build
	$(BUILD)/bin/fleetlab_loadtest --seconds $(LOAD_SECONDS) --clients 100

# The classroom under load: 60 students writing their events for 60 s on
# loopback while the instructor's page polls; 0 lost, summary = database.
CLASS_SECONDS ?= 60
classload: build
	$(BUILD)/bin/fleetlab_class_loadtest --seconds $(CLASS_SECONDS) --students 60

# The fuzz targets (clang + libFuzzer, ASan + UBSan), each for FUZZ_SECONDS: the
# scenario parser, the API body readers, and whole HTTP requests through the router
# (every route, /plan and /run included). They are built in build-asan with the
# sanitizer build's unit tests (one compilation of the engine serves both).
FUZZ_SECONDS ?= 60
FUZZ_RUN = UBSAN_OPTIONS=halt_on_error=1 build-asan/bin/$(1) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 \
  -timeout=10 -rss_limit_mb=2048 -artifact_prefix=build-asan/ build-asan/corpus/$(2)
fuzz: asan-configure
	cmake --build build-asan -j $(JOBS) --target scenario_parse_fuzz api_body_fuzz http_request_fuzz
	mkdir -p build-asan/corpus/scenario build-asan/corpus/api build-asan/corpus/http
	cp scenarios/*.json tests/fuzz/scenario/* build-asan/corpus/scenario/
	cp tests/fuzz/api/* build-asan/corpus/api/
	cp tests/fuzz/http/* build-asan/corpus/http/
	$(call FUZZ_RUN,scenario_parse_fuzz,scenario)
	$(call FUZZ_RUN,api_body_fuzz,api)
	$(call FUZZ_RUN,http_request_fuzz,http)

# `import fleetlab` (docs/python.md): the module lands in $(BUILD)/python
# (PYTHONPATH=$(BUILD)/python /usr/bin/python3), then its pytest suite runs.
python: build
	cmake --build $(BUILD) -j $(JOBS) --target fleetlab_python
	PYTHONPATH=$(abspath $(BUILD))/python FLEETLAB_SOURCE_DIR=$(CURDIR) /usr/bin/python3 -m pytest -q -p no:cacheprovider python/tests

bench: build
	$(BUILD)/bin/fleetlab_bench

# Embedding fleetlab (docs/design.md, "Embedding"): install into
# $(BUILD)/install, build examples/embed/ against it with
# find_package(fleetlab), run it and check its numbers against `fleetlab run`.
EXAMPLE_PREFIX ?= $(abspath $(BUILD))/install
example: build
	cmake --install $(BUILD) --prefix $(EXAMPLE_PREFIX)
	cmake -S examples/embed -B $(BUILD)/example -G Ninja -DCMAKE_BUILD_TYPE=Release \
	  -DCMAKE_PREFIX_PATH=$(EXAMPLE_PREFIX) $(LAUNCHER)
	cmake --build $(BUILD)/example
	tests/embed_example_test.sh $(EXAMPLE_PREFIX) $(BUILD)/example/embed

# The unit tests under AddressSanitizer + UndefinedBehaviorSanitizer, built
# with clang together with the fuzz targets (build-asan; `make fuzz` runs those).
asan-configure: deps
	@scripts/install-deps.sh --fuzz
	CXX=clang++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" \
	  -DFLEETLAB_SANITIZE=ON -DFLEETLAB_FUZZ=ON -DFLEETLAB_BENCH=OFF $(LAUNCHER)

asan: asan-configure
	cmake --build build-asan -j $(JOBS)
	cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j $(JOBS)

# The sweep tests (thread pool, sweep runner, capacity search) and the lab
# server's tests (worker pool, watchdog, cancellation) under ThreadSanitizer:
# only the libraries and those tests are built, in build-tsan.
# The M/M/1 closed-form check is single-threaded and slow under TSan: skipped.
tsan: deps
	cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g" -DFLEETLAB_TSAN=ON -DFLEETLAB_BENCH=OFF -DFLEETLAB_MPI=OFF $(LAUNCHER)
	cmake --build build-tsan -j $(JOBS) --target fleetlab_sweep_tests
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" build-tsan/bin/fleetlab_sweep_tests --gtest_filter='-CapacityTest.MM1BisectionMatchesTheClosedForm'

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
	cd web && FLEETLAB_BIN=$(abspath $(BUILD))/bin/fleetlab npm run e2e:class

# The lab as a static site (docs/site.md): the engine compiled to
# WebAssembly by em++ (Debian's emscripten, installed by
# scripts/install-deps.sh --wasm) from the same sources, the front end, and
# the catalog and tracks, in $(SITE): any static host serves it, no server.
# `make site-test` checks it: the WASM engine's replies against the native
# server's (every track part, defaults and overrides; speed per part), then
# the e2e walk in Chromium against the site served as plain files.
SITE ?= $(BUILD)/site
WASM_BUILD ?= build-wasm
# em++ wants Debian's Python first on PATH and finds its optimizer's acorn
# in Debian's node modules; ccache wraps its clang (EM_COMPILER_WRAPPER).
EM_ENV := PATH=/usr/bin:$$PATH NODE_PATH=/usr/share/nodejs $(if $(CCACHE),EM_COMPILER_WRAPPER=ccache)
wasm:
	@scripts/install-deps.sh --wasm
	@[ -f $(WASM_BUILD)/build.ninja ] || $(EM_ENV) emcmake cmake -S . -B $(WASM_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release
	$(EM_ENV) cmake --build $(WASM_BUILD) -j $(JOBS)

site: web wasm
	node web/scripts/build-site.mjs --dist web/dist --engine $(WASM_BUILD) --root . --out $(SITE)

site-test: site build
	cd web && FLEETLAB_BIN=$(abspath $(BUILD))/bin/fleetlab node e2e/wasm-equality.mjs $(abspath $(SITE))
	cd web && FLEETLAB_SITE=$(abspath $(SITE)) npm run e2e

clean:
	rm -rf $(BUILD) build-asan build-tsan $(WASM_BUILD) web/dist
