#!/usr/bin/env bash
# A sweep under `mpirun -np 2` writes the same file, byte for byte, as the
# same sweep on one thread in one process (CSV and JSON). 70 points: 35 a
# rank, so the ranks gather in two rounds (32 points a round).
# Usage: mpi_sweep_test.sh FLEETLAB_BIN SOURCE_DIR MPIRUN
set -eu
bin="$1"
src="$2"
mpirun="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cat >"$tmp/sweep.json" <<JSON
{
  "base": "$src/scenarios/mm1.json",
  "axes": [
    {"path": "workload.arrival.rate_per_s", "range": {"start": 10, "stop": 130, "step": 20}},
    {"path": "station.servers", "values": [1, 2]},
    {"path": "seed", "values": [1, 2, 3, 4, 5]},
    {"path": "workload.requests", "values": [3000]},
    {"path": "workload.warmup_requests", "values": [100]}
  ]
}
JSON
for ext in csv json; do
  "$bin" sweep "$tmp/sweep.json" --threads 1 --out "$tmp/one.$ext" 2>/dev/null
  "$mpirun" --allow-run-as-root --oversubscribe -np 2 "$bin" sweep "$tmp/sweep.json" --out "$tmp/mpi.$ext"
  if ! cmp "$tmp/one.$ext" "$tmp/mpi.$ext"; then
    echo "FAIL: the 2-rank $ext output differs from the 1-thread output"
    diff "$tmp/one.$ext" "$tmp/mpi.$ext" | head -20
    exit 1
  fi
  rows=$(grep -c '^[0-9{]' "$tmp/mpi.$ext" || true)
  [ "$rows" -eq 70 ] || { echo "FAIL: $ext has $rows rows, wanted 70"; exit 1; }
done
grep -q '2 ranks x 1 threads' <("$mpirun" --allow-run-as-root --oversubscribe -np 2 "$bin" sweep "$tmp/sweep.json" --out "$tmp/mpi.csv" 2>&1) \
  || { echo "FAIL: mpirun did not start 2 ranks"; exit 1; }
echo "sweep_mpi: 2 ranks match 1 thread (csv, json)"
