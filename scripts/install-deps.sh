#!/usr/bin/env bash
# Installs the Debian packages fleetlab builds with, if any is missing.
# Needs root (or sudo) only when something must be installed.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config ccache libfmt-dev nlohmann-json3-dev libcli11-dev
          libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev libcpp-httplib-dev libmicrohttpd-dev
          libsqlite3-dev  # the classroom's database (fleetlab lab --class)
          openmpi-bin libopenmpi-dev zlib1g-dev
          python3-jsonschema python3-pybind11 pybind11-dev python3-pytest python3-dev  # docs/schema checks, make python
          chromium)  # chromium: the browser lab's end-to-end tests (never downloaded by npm)
# `scripts/install-deps.sh --fuzz`: also clang and libFuzzer (make fuzz).
[ "${1:-}" = "--fuzz" ] && packages+=(clang libclang-rt-dev)
# `scripts/install-deps.sh --wasm`: also emscripten (em++ 3.1.6; make site builds
# the engine to WebAssembly with it; docs/site.md).
[ "${1:-}" = "--wasm" ] && packages+=(emscripten)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The browser lab (web/) builds with Node.js and npm. A Node from elsewhere
# (e.g. NodeSource, which bundles npm) counts: only a missing command installs
# Debian's packages, which would conflict with it.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then missing+=(nodejs npm); fi
node_check() {
  command -v node >/dev/null 2>&1 || return 0
  node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>20||(a===20&&b>=19)?0:1)' ||
    echo "warning: web/ (Vite 8) needs Node.js >= 20.19; this one is $(node --version)" >&2
}
trap node_check EXIT
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
