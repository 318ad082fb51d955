#!/usr/bin/env bash
# The embedding example against the installed package (`make example`):
# the installed `fleetlab` finds its files in PREFIX/share/fleetlab, and the
# example (examples/embed/, built with find_package(fleetlab)) prints the
# same P99 TTFT and throughput as `fleetlab run --json` on the same scenario.
# Usage: embed_example_test.sh PREFIX EXAMPLE_BIN
set -euo pipefail
prefix="$1"
example="$2"
share="$prefix/share/fleetlab"
scenario="$share/scenarios/llama3-70b-h100.json"
unset FLEETLAB_SHARE_DIR FLEETLAB_DATA

# The installed binary's shipped files are the installed ones, not the checkout's.
"$prefix/bin/fleetlab" lab --help | grep -qF "$share/web/dist" ||
  { echo "FAIL: the installed fleetlab does not look in $share"; exit 1; }

got="$("$example" "$scenario")"
echo "$got"
want="$("$prefix/bin/fleetlab" run "$scenario" --json | /usr/bin/python3 -c '
import json, sys
r = json.load(sys.stdin)
print("%s: p99 TTFT %.10g ms, throughput %.10g req/s, %.10g output tokens/s" % (
    r["scenario"], r["latency_ms"]["ttft"]["p99"], r["throughput"]["requests_per_s"], r["throughput"]["output_tokens_per_s"]))')"
if [ "$got" != "$want" ]; then
  echo "FAIL: the example and fleetlab run differ"
  echo " example:      $got"
  echo " fleetlab run: $want"
  exit 1
fi
echo "ok: the example matches fleetlab run"
