#!/usr/bin/env bash
# Installs the Debian packages fleetlab builds with, if any is missing.
# Needs root (or sudo) only when something must be installed.
set -euo pipefail
packages=(build-essential cmake ninja-build pkg-config libfmt-dev nlohmann-json3-dev libcli11-dev
          libgtest-dev libgmock-dev libbenchmark-dev librapidcheck-dev libcpp-httplib-dev
          openmpi-bin libopenmpi-dev)
# `scripts/install-deps.sh --fuzz`: also clang and libFuzzer (make fuzz).
[ "${1:-}" = "--fuzz" ] && packages+=(clang libclang-rt-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "installing: ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
