#!/usr/bin/python3
"""The JSON Schemas in docs/schema/ against every shipped scenario, track part
and against fresh reports of the fleetlab binary.

Usage: schema_test.py FLEETLAB_BIN SOURCE_DIR (Debian's /usr/bin/python3 with
python3-jsonschema; scripts/install-deps.sh installs it)."""
import glob
import json
import os
import subprocess
import sys
import tempfile

import jsonschema

BIN, SRC = sys.argv[1], sys.argv[2]
failures = []


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


scenario_schema = load(os.path.join(SRC, "docs/schema/scenario.schema.json"))
report_schema = load(os.path.join(SRC, "docs/schema/report.schema.json"))
for schema in (scenario_schema, report_schema):
    jsonschema.Draft202012Validator.check_schema(schema)
resolver = jsonschema.RefResolver.from_schema(
    report_schema, store={scenario_schema["$id"]: scenario_schema, report_schema["$id"]: report_schema})
scenarios = jsonschema.Draft202012Validator(scenario_schema)
reports = jsonschema.Draft202012Validator(report_schema, resolver=resolver)


def check(validator, doc, what):
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    for e in errors[:5]:
        failures.append(f"{what}: {'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}")
    return not errors


files = sorted(glob.glob(os.path.join(SRC, "scenarios/*.json")) + glob.glob(os.path.join(SRC, "tracks/*/part*.json")))
for path in files:
    check(scenarios, load(path), os.path.relpath(path, SRC))

# Fresh reports: every kind of system, with the series.
runs = [
    ["scenarios/mm1.json", "--set", "workload.requests=2000", "--set", "workload.warmup_requests=100"],
    ["scenarios/llama3-70b-h100.json", "--set", "workload.requests=200", "--set", "workload.warmup_requests=20", "--series"],
    ["scenarios/llama3-70b-disaggregated.json", "--set", "workload.requests=200", "--set", "workload.warmup_requests=20"],
    ["scenarios/fleet-power-of-two.json", "--set", "workload.requests=3000", "--set", "workload.warmup_requests=100"],
    ["tracks/edge-guardian/part3.json", "--set", "workload.requests=500", "--set", "workload.warmup_requests=10"],
    ["scenarios/llama3-70b-h100.json", "--set", "workload.requests=100", "--set", "workload.warmup_requests=10",
     "--set", "workload.arrival.rate_per_s=1000"],  # unstable: null latencies
    ["scenarios/diurnal-classes.json", "--set", "workload.duration_s=300"],  # workload classes
]
for args in runs:
    out = subprocess.run([BIN, "run", os.path.join(SRC, args[0])] + args[1:] + ["--json"], capture_output=True, text=True)
    if out.returncode != 0:
        failures.append(f"run {' '.join(args)}: exit {out.returncode}: {out.stderr[:300]}")
        continue
    report = json.loads(out.stdout)
    check(reports, report, "report of " + " ".join(args))
    if report.get("resolved_scenario") is None:
        failures.append(f"report of {args[0]}: resolved_scenario is null")

# The schemas can fail: a misspelt field and a report without its version are refused.
typo = load(os.path.join(SRC, "scenarios/llama3-70b-h100.json"))
typo["replica"]["scheduler"]["max_runing"] = 8
if not any(True for _ in scenarios.iter_errors(typo)):
    failures.append("the scenario schema accepted replica.scheduler.max_runing")
old = json.loads(subprocess.run([BIN, "run", os.path.join(SRC, "scenarios/mm1.json"), "--set", "workload.requests=500",
                                 "--set", "workload.warmup_requests=10", "--json"], capture_output=True, text=True).stdout)
del old["fleetlab_version"]
if not any(True for _ in reports.iter_errors(old)):
    failures.append("the report schema accepted a report without fleetlab_version")

print(f"schema: {len(files)} scenarios, {len(runs)} fresh reports; "
      f"{len(failures)} failures")
for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
