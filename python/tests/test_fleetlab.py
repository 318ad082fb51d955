"""`import fleetlab` with Debian's /usr/bin/python3 and python3-pytest.

Run by ctest (`python`) and `make python`; PYTHONPATH points at build/python."""
import math
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

import fleetlab

SRC = os.environ.get("FLEETLAB_SOURCE_DIR", os.path.join(os.path.dirname(__file__), "..", ".."))


def mm1(rate=50.0, requests=200_000):
    return {"name": "mm1", "seed": 3,
            "workload": {"arrival": {"process": "poisson", "rate_per_s": rate}, "requests": requests,
                         "warmup_requests": 1000},
            "station": {"servers": 1, "service": {"distribution": "exponential", "mean_ms": 10}}}


def test_version():
    assert fleetlab.__version__.count(".") == 2


def test_run_matches_the_mm1_closed_form():
    # M/M/1, lambda 50, mu 100: time in system ~ Exp(mu - lambda), P99 = ln(100)/50 s = 92.1 ms,
    # mean 20 ms; the simulated P99 within its own 95% interval (and 3% for bias of the estimator).
    r = fleetlab.run(mm1())
    e2e = r["latency_ms"]["e2e"]
    exact_p99 = math.log(100) / 50 * 1e3
    assert abs(e2e["p99"] - exact_p99) <= e2e["p99_ci95"] + 0.03 * exact_p99
    assert abs(e2e["mean"] - 20.0) <= e2e["mean_ci95"] + 0.5
    assert r["fleetlab_version"] == fleetlab.__version__
    assert r["resolved_scenario"]["workload"]["arrival"]["rate_per_s"] == 50


def test_overrides_as_dict_or_list():
    a = fleetlab.run(mm1(requests=20_000), overrides={"workload.arrival.rate_per_s": 80})
    b = fleetlab.run(mm1(requests=20_000), overrides=["workload.arrival.rate_per_s=80"])
    assert a["offered"]["rate_per_s"] == 80
    assert a == b


def test_bad_input_names_the_field():
    with pytest.raises(ValueError, match=r"workload.arrival.rate_per_s: must be a rate between"):
        fleetlab.run(mm1(rate=-1))
    with pytest.raises(ValueError, match=r"station.sevrers: unknown field"):
        fleetlab.run(mm1(), overrides={"station.sevrers": 2})
    with pytest.raises(ValueError, match=r"scenario: must be JSON-like"):
        fleetlab.run({"seed": object()})
    with pytest.raises(ValueError, match=r"limits.max_events"):
        fleetlab.run(mm1(requests=20_000), overrides={"limits.max_events": 1000})
    with pytest.raises(ValueError, match=r"threads"):
        fleetlab.sweep({"base": mm1(), "axes": [{"path": "seed", "values": [1]}]}, threads=-1)


def test_sweep_returns_columns_for_pandas():
    cols = fleetlab.sweep({"base": mm1(requests=5000),
                           "axes": [{"path": "station.servers", "values": [1, 2]},
                                    {"path": "workload.arrival.rate_per_s", "values": [20, 40, 60]}]}, threads=2)
    lengths = {len(v) for v in cols.values()}
    assert lengths == {6}
    assert cols["station.servers"] == [1, 1, 1, 2, 2, 2]
    assert cols["workload.arrival.rate_per_s"] == [20, 40, 60, 20, 40, 60]
    # more servers, same rate: no slower
    for i in range(3):
        assert cols["e2e_p99_ms"][3 + i] <= cols["e2e_p99_ms"][i]


def test_sweep_columns_make_a_data_frame():
    pandas = pytest.importorskip("pandas")  # optional (Debian's python3-pandas); reported as skipped without it
    cols = fleetlab.sweep({"base": mm1(requests=5000),
                           "axes": [{"path": "workload.arrival.rate_per_s", "values": [20, 40, 60]}]}, threads=1)
    frame = pandas.DataFrame(cols)
    assert frame.shape == (3, len(cols))
    assert list(frame["workload.arrival.rate_per_s"]) == [20, 40, 60]
    assert frame["e2e_p99_ms"].is_monotonic_increasing


def test_frontier_and_plan():
    f = fleetlab.frontier(mm1(requests=20_000), 10, 90, points=5)
    assert len(f["series"]["rate_per_s"]) == 5
    plan = fleetlab.plan("llama-3-8b", "h100-sxm", gpus=2)
    assert plan["tp"] and len(plan["tp"]) == len(plan["pp"]) == 2
    assert all(t * p == 2 for t, p in zip(plan["tp"], plan["pp"]))
    with pytest.raises(ValueError, match=r"--model: unknown model"):
        fleetlab.plan("llama-9", "h100-sxm")
    # An engine's replicas run on the catalog's calibration profile for the GPU.
    engine = fleetlab.plan("llama-3-8b", "h100-sxm", gpus=1, engine="vllm-v1")
    assert engine["calibration"] == ["h100-sxm-bf16-vllm"]
    assert plan["calibration"] == [None, None]
    with pytest.raises(ValueError, match=r"--engine: unknown engine"):
        fleetlab.plan("llama-3-8b", "h100-sxm", engine="vllm-v9")


def test_plan_at_a_rate_searches_replicas_and_disaggregated_pools():
    plan = fleetlab.plan("llama-3-8b", "h100-sxm", gpus=2, prompt=256, output=64, ttft_slo_ms=400,
                         tpot_slo_ms=40, rate_per_s=4, search_replicas=True, search_disaggregation=True)
    # 1 or 2 x TP1, TP2, PP2, and one prefill + one decode replica of TP1.
    assert len(plan["tp"]) == 5
    assert sum(1 for d in plan["disaggregated"] if d) == 1
    assert all(g <= 2 for g in plan["gpus"])
    assert any(r == 2 for r in plan["replicas"])
    with pytest.raises(ValueError, match=r"search_disaggregation: needs rate_per_s > 0"):
        fleetlab.plan("llama-3-8b", "h100-sxm", search_disaggregation=True)


def test_size_finds_fleets_that_meet_the_slos():
    q = {"model": "llama-3-8b", "gpus": ["h100-sxm"], "rate_per_s": 40,
         "workload": {"prompt_tokens": {"distribution": "deterministic", "mean": 256},
                      "output_tokens": {"distribution": "deterministic", "mean": 64}},
         "slo": {"ttft_ms": 400, "tpot_ms": 40}, "search": {"tp": [1, 2], "pp": [1], "pd_ratios": []},
         "requests": 200}
    r = fleetlab.size(q, threads=2)
    assert r["kind"] == "sizing"
    assert r["fleets"], r["candidates"]
    best = r["fleets"][0]
    assert best["ttft_ms"] <= 400 and best["tpot_ms"] <= 40
    assert best["usd_per_hour"] == pytest.approx(best["gpus"] * 3.0)  # data/gpus/h100-sxm.json


def test_the_gil_is_released_while_simulating():
    # While one thread simulates for a while, this one keeps running Python:
    # with the GIL held it could not count until the run returned.
    done = threading.Event()

    def work():
        fleetlab.run(mm1(requests=1_500_000))
        done.set()

    t = threading.Thread(target=work)
    start = time.perf_counter()
    t.start()
    ticks = 0
    while not done.is_set():
        ticks += 1
        time.sleep(0.001)
    t.join()
    elapsed = time.perf_counter() - start
    assert elapsed > 0.05, "the run was too short to tell"
    assert ticks >= 10, f"{ticks} ticks in {elapsed:.2f} s: the GIL was held"


class Interrupted(Exception):
    pass


def test_a_signal_cancels_a_run():
    # Ctrl-C during a long run: the handler's exception arrives within the
    # module's 50 ms polling, not after the run (10M requests, about 3 s here).
    def handler(signum, frame):
        raise Interrupted()

    previous = signal.signal(signal.SIGINT, handler)
    timer = threading.Timer(0.1, lambda: os.kill(os.getpid(), signal.SIGINT))
    try:
        start = time.perf_counter()
        timer.start()
        with pytest.raises(Interrupted):
            fleetlab.run(mm1(requests=10_000_000))
        elapsed = time.perf_counter() - start
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert elapsed < 1.0, f"the run went on for {elapsed:.2f} s after the signal"
    # and the module still works afterwards
    assert fleetlab.run(mm1(requests=2000))["requests"]["completed"] > 0


def test_the_example_runs():
    out = subprocess.run([sys.executable, os.path.join(SRC, "examples", "python_planner.py")],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "per 1M output tokens" in out.stdout
