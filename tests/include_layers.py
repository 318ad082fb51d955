#!/usr/bin/python3
"""No include runs up a layer (docs/design.md, "Layers").

Every library file (src/**, include/fleetlab/**; tests, fuzzers and
benchmarks excepted) belongs to a module: its first folder under src/ or
include/fleetlab/ (src/llm/kv/ is module llm), or for a header at the top of
include/fleetlab/ the module named in ROOT_HEADERS. A file may include
headers of its own layer or of lower layers only. Exits 1 listing each
include that runs up, unless it is in ALLOWED with its reason.

Usage: include_layers.py [REPO_ROOT]
"""
import os
import re
import sys

# Lowest first. A module may include any module of its own layer or below.
LAYERS = [
    ["util"],                                   # status, time, files, JSON, field reading
    ["engine", "random", "metrics", "analytic"],  # event loop, streams, tallies, closed forms
    ["station", "workload"],                    # a generic server; what arrives
    ["llm"],                                    # one LLM replica: catalog, perf, KV, scheduler
    ["fleet", "path", "disagg"],                # replicas behind routers; request paths; P/D pools
    ["scenario"],                               # parsing a scenario into options
    ["runner"],                                 # running one scenario to a report
    ["planner", "report", "sweep", "tracks", "validation", "calibrate"],  # what runs scenarios or renders reports
    ["api", "server", "cli", "wasm"],           # the edges (api: fleetlab.h, the embedding API)
]

# Headers at the top of include/fleetlab/: the module each belongs to.
ROOT_HEADERS = {
    "status.h": "util", "time.h": "util", "version.h": "util", "request_log.h": "util",
    "report.h": "fleet",  # the Report struct gathers fleet, path and LLM reports
    "run_estimate.h": "scenario",  # a pure estimate of a scenario's cost, checked while parsing it
    "runner.h": "runner", "frontier.h": "runner",
    "fleetlab.h": "api",
}

# (including file, included header) -> why it may run up. Keep it short: each
# entry is a move still owed.
ALLOWED = {
}

LEVEL = {m: i for i, layer in enumerate(LAYERS) for m in layer}
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def module_of_header(inc):
    """The module of an included header, or None if it is not ours."""
    parts = inc.split("/")
    if parts[0] == "fleetlab":
        return ROOT_HEADERS.get(parts[1], "?" + parts[1]) if len(parts) == 2 else parts[1]
    return parts[0] if len(parts) > 1 and parts[0] in LEVEL else None


def module_of_file(rel):
    parts = rel.split("/")
    if parts[0] == "include":
        return ROOT_HEADERS.get(parts[2], "?" + parts[2]) if len(parts) == 3 else parts[2]
    return parts[1]


def library_files(root):
    for top in ("src", "include/fleetlab"):
        for dirpath, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if not name.endswith((".h", ".cc")) or name.endswith(("_test.cc", "_fuzz.cc")):
                    continue
                if name.endswith("test_util.cc") or name.endswith("test_util.h"):
                    continue
                yield os.path.relpath(os.path.join(dirpath, name), root)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    problems = []
    for rel in library_files(root):
        mod = module_of_file(rel)
        if mod not in LEVEL:
            problems.append(f"{rel}: module '{mod}' is in no layer (add it to LAYERS or ROOT_HEADERS)")
            continue
        with open(os.path.join(root, rel), encoding="utf-8") as f:
            for lineno, line in enumerate(f, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                target = module_of_header(m.group(1))
                if target is None:
                    continue
                if target not in LEVEL:
                    problems.append(f"{rel}:{lineno}: {m.group(1)} is in no layer")
                elif LEVEL[target] > LEVEL[mod] and (rel, m.group(1)) not in ALLOWED:
                    problems.append(f"{rel}:{lineno}: {mod} (layer {LEVEL[mod]}) includes {m.group(1)} "
                                    f"({target}, layer {LEVEL[target]}): an include runs up a layer")
    for p in problems:
        print(p)
    print(f"include_layers: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
