#!/usr/bin/python3
"""fleetlab from Python: a sweep into pandas, and the cheapest fleet for a rate.

    make python
    PYTHONPATH=build/python /usr/bin/python3 examples/python_planner.py

(pandas is optional: without it the columns print as they are.)"""
import fleetlab

scenario = {
    "name": "llama3-70b",
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 4}, "requests": 600, "warmup_requests": 60},
    "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8, "slo": {"ttft_ms": 500, "tpot_ms": 50}},
}

# One run: the report is a dict with the same names as `fleetlab run --json`.
report = fleetlab.run(scenario, overrides={"replica.tp": 4})
print(f"TP4 at 4 req/s: P99 TTFT {report['latency_ms']['ttft']['p99']:.0f} ms, "
      f"${report['cost']['usd_per_hour']:.2f}/h on {report['cost']['gpus']} GPUs")

# A sweep: columns, one per axis and metric, ready for pandas.
cols = fleetlab.sweep({"base": scenario, "axes": [
    {"path": "replica.tp", "values": [4, 8]},
    {"path": "workload.arrival.rate_per_s", "values": [2, 4, 8, 16]}]})
try:
    import pandas as pd
    frame = pd.DataFrame(cols)
    print(frame[["replica.tp", "workload.arrival.rate_per_s", "ttft_p99_ms", "usd_per_million_output_tokens"]])
except ImportError:
    for k in ("replica.tp", "workload.arrival.rate_per_s", "ttft_p99_ms"):
        print(k, cols[k])

# Sizing: the cheapest fleets for 20 req/s within the SLOs.
result = fleetlab.size({"model": "llama-3-70b", "gpus": ["h100-sxm", "b200"], "rate_per_s": 20,
                        "slo": {"ttft_ms": 500, "tpot_ms": 50}, "search": {"pp": [1]}, "top": 3})
for f in result["fleets"]:
    print(f"{f['units']} x {f['name']}: {f['gpus']} GPUs, ${f['usd_per_hour']:.2f}/h, "
          f"${f['usd_per_million_input_tokens']:.3f} per 1M input + ${f['usd_per_million_output_tokens']:.3f} "
          f"per 1M output tokens, binding: {f['binding']}")
