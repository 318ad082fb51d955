#!/usr/bin/env python3
"""Measures what the roofline model's efficiency parameters stand for, on a
real GPU: bf16 matrix products at the shapes Llama-3 layers have (per GPU,
for TP1 and TP8) over a range of token counts, a device-to-device copy (HBM
bandwidth), and attention (FlashAttention-style SDPA) for prefill and
decode. Writes JSON to the path given (default: stdout).

Run on the GPU machine: python3 tools/calibrate/gpu_calibrate.py --out out.json
(tools/calibrate/calibrate-gpu.sh runs it and fits a profile). Needs PyTorch
with CUDA; takes about a minute on an H100. Without a GPU, --synthetic
PEAK_TFLOPS,HBM_GBPS writes the same cases timed by a stated roofline, so
that the file's format and `fleetlab calibrate`'s fit can be checked on a CPU
(tests/gpu_calibrate_test.sh).
"""
import argparse
import json
import statistics
import sys
import time

# Llama-3-70B layer shapes (hidden 8192, 64 heads, 8 KV heads, FFN 28672):
# fused QKV, attention output, fused gate+up, down; per GPU at TP1 and TP8.
SHAPES = {"tp1": [(8192, 10240), (8192, 8192), (8192, 57344), (28672, 8192)],
          "tp8": [(8192, 1280), (1024, 8192), (8192, 7168), (3584, 8192)]}
TOKENS = (1, 8, 16, 32, 128, 512, 2048, 8192)
ATTENTION = ((1, 2048, 2048, True), (1, 8192, 8192, True), (64, 1, 2048, False), (256, 1, 1024, False))


def timed(fn, reps=20, warmup=3):
    import torch
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(reps):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end) / 1e3)
    return statistics.median(times)


def gemm_case(m, k, n):
    import torch
    dtype = torch.bfloat16
    # Rotate among weight copies so that one product never finds the
    # previous one's weights in L2 (50 MB on an H100).
    copies = max(1, min(8, int(4 * 50e6 // (k * n * 2)) + 1))
    ws = [torch.randn(k, n, device="cuda", dtype=dtype) for _ in range(copies)]
    x = torch.randn(m, k, device="cuda", dtype=dtype)
    i = [0]

    def run():
        i[0] = (i[0] + 1) % copies
        return x @ ws[i[0]]

    t = timed(run)
    flops = 2.0 * m * k * n
    bytes_moved = 2.0 * (m * k + k * n + m * n)
    del ws, x
    return {"m": m, "k": k, "n": n, "seconds": t, "tflops": flops / t / 1e12, "gb_per_s": bytes_moved / t / 1e9}


def copy_case(gib=2):
    import torch
    n = int(gib * (1 << 30) // 2)
    a = torch.randn(n, device="cuda", dtype=torch.bfloat16)
    b = torch.empty_like(a)
    t = timed(lambda: b.copy_(a), reps=10)
    return {"bytes_read_plus_written": 2 * a.numel() * 2, "seconds": t, "gb_per_s": 4 * a.numel() / t / 1e9}


def attention_case(batch, heads, kv_heads, q_len, kv_len, causal):
    import torch
    d = 128
    q = torch.randn(batch, heads, q_len, d, device="cuda", dtype=torch.bfloat16)
    k = torch.randn(batch, kv_heads, kv_len, d, device="cuda", dtype=torch.bfloat16)
    v = torch.randn_like(k)
    sdpa = torch.nn.functional.scaled_dot_product_attention
    t = timed(lambda: sdpa(q, k, v, is_causal=causal, enable_gqa=True))
    pairs = batch * (q_len * (q_len + 1) / 2 if causal and q_len == kv_len else q_len * kv_len)
    flops = 4.0 * heads * d * pairs
    kv_bytes = 2.0 * batch * kv_heads * kv_len * d * 2
    return {"batch": batch, "heads": heads, "kv_heads": kv_heads, "q_len": q_len, "kv_len": kv_len,
            "causal": causal, "seconds": t, "tflops": flops / t / 1e12, "kv_gb_per_s": kv_bytes / t / 1e9}


def synthetic_timer(spec):
    """Cases timed by a roofline: 5 us + max(FLOPs / (peak x e), bytes / (HBM x 0.85)),
    e = 0.35 below 512 tokens and 0.70 from there (the test knows these)."""
    peak_tflops, hbm_gbps = (float(x) for x in spec.split(","))

    def gemm(m, k, n):
        flops, moved = 2.0 * m * k * n, 2.0 * (m * k + k * n + m * n)
        e = 0.35 if m < 512 else 0.70
        t = 5e-6 + max(flops / (peak_tflops * 1e12 * e), moved / (hbm_gbps * 1e9 * 0.85))
        return {"m": m, "k": k, "n": n, "seconds": t, "tflops": flops / t / 1e12, "gb_per_s": moved / t / 1e9}

    return gemm


def parse_args(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", help="write the JSON here (default: stdout)")
    ap.add_argument("--synthetic", metavar="PEAK_TFLOPS,HBM_GBPS",
                    help="no GPU: time the GEMM cases by this roofline (format and fit checks)")
    args = ap.parse_args(argv)
    if args.synthetic is not None:
        try:
            peak, hbm = (float(x) for x in args.synthetic.split(","))
        except ValueError:
            ap.error("--synthetic: two numbers, PEAK_TFLOPS,HBM_GBPS (e.g. 989,3350)")
        if not (0 < peak <= 1e5 and 0 < hbm <= 1e6):
            ap.error("--synthetic: peak must be in (0, 100000] TFLOP/s and HBM in (0, 1000000] GB/s")
    return args


def device_header(args):
    if args.synthetic is not None:
        return {"device": "synthetic " + args.synthetic, "date": time.strftime("%Y-%m-%d")}
    import torch
    props = torch.cuda.get_device_properties(0)
    return {"device": props.name, "multiprocessors": props.multi_processor_count,
            "memory_bytes": props.total_memory, "torch": torch.__version__, "cuda": torch.version.cuda,
            "date": time.strftime("%Y-%m-%d")}


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    gemm = synthetic_timer(args.synthetic) if args.synthetic is not None else gemm_case
    if args.synthetic is None:
        import torch
        torch.manual_seed(0)
    out = device_header(args)
    out.update({"gemm": [], "copy": None, "attention": []})
    for layout, kns in SHAPES.items():
        for m in TOKENS:
            for k, n in kns:
                case = gemm(m, k, n)
                case["layout"] = layout
                out["gemm"].append(case)
                print(f"gemm {layout} m={m:5d} k={k:5d} n={n:5d} {case['seconds']*1e6:9.1f} us "
                      f"{case['tflops']:7.1f} TF/s {case['gb_per_s']:7.0f} GB/s", file=sys.stderr)
    if args.synthetic is None:
        out["copy"] = copy_case()
        print(f"copy {out['copy']['gb_per_s']:.0f} GB/s", file=sys.stderr)
        for b, q, kv, causal in ATTENTION:
            case = attention_case(b, 64, 8, q, kv, causal)
            out["attention"].append(case)
            print(f"attn b={b} q={q} kv={kv} {case['seconds']*1e6:.1f} us {case['tflops']:.1f} TF/s "
                  f"{case['kv_gb_per_s']:.0f} GB/s", file=sys.stderr)
    text = json.dumps(out, indent=1)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    else:
        print(text)


if __name__ == "__main__":
    main()
