#!/usr/bin/env bash
# End-to-end checks of the fleetlab binary: exit codes, messages, output
# formats. Usage: cli_test.sh FLEETLAB_BIN SOURCE_DIR
set -u
bin="$1"
src="$2"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0

check() {  # check NAME EXPECTED_RC PATTERN -- command...
  local name="$1" want_rc="$2" pattern="$3"
  shift 4
  local out rc
  out="$("$@" 2>&1)"
  rc=$?
  if [ "$rc" -eq "$want_rc" ] && grep -qE -- "$pattern" <<<"$out"; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1))
    echo "FAIL: $name (rc $rc, wanted $want_rc; pattern '$pattern')"
    echo "$out" | head -20
  fi
}

check "help lists commands" 0 "frontier" -- "$bin" --help
check "run help explains --set" 0 "--set" -- "$bin" run --help
check "frontier help explains --rates" 0 "LOW:HIGH:POINTS" -- "$bin" frontier --help
check "no subcommand is an error" 2 "subcommand" -- "$bin"
check "default run" 0 "stable: offered load 0.900" -- "$bin" run
check "mm1 scenario" 0 "scenario mm1" -- "$bin" run "$src/scenarios/mm1.json"
check "json report has stable names" 0 '"p999"' -- "$bin" run "$src/scenarios/mm1.json" --json
check "set override" 0 "offered 50.000 req/s" -- "$bin" run "$src/scenarios/mm1.json" --set workload.arrival.rate_per_s=50
check "overload is unstable" 0 "UNSTABLE" -- "$bin" run "$src/scenarios/mm1.json" --set workload.arrival.rate_per_s=120
check "frontier marks a knee" 0 "<- knee" -- "$bin" frontier "$src/scenarios/mm1.json" --rates 10:98:12
check "frontier csv" 0 "^rate_per_s,offered_load" -- "$bin" frontier "$src/scenarios/mm1.json" --rates 10:90:3 --csv
check "frontier json series" 0 '"e2e_p99_ms"' -- "$bin" frontier "$src/scenarios/mm1.json" --rates 10:90:3 --json
check "bad rates spec" 2 "--rates 10:5:3: expected LOW:HIGH:POINTS" -- "$bin" frontier --rates 10:5:3
check "infinite rate in rates spec" 2 "--rates 1:inf:3: expected LOW:HIGH:POINTS with 1e-06 <= LOW <= HIGH <= 1e\+09" -- "$bin" frontier --rates 1:inf:3
check "negative rate" 2 "workload.arrival.rate_per_s: must be a rate between 1e-06 and 1e\+09 per second \(got -3\)" -- "$bin" run --set workload.arrival.rate_per_s=-3
# Issue 10: times and rates the nanosecond clock cannot hold are refused, naming the field and the range.
check "tiny rate" 2 "workload.arrival.rate_per_s: must be a rate between 1e-06 and 1e\+09 per second \(got 1e-300\)" -- "$bin" run --set workload.arrival.rate_per_s=1e-300
check "huge rate" 2 "workload.arrival.rate_per_s: must be a rate between 1e-06 and 1e\+09 per second \(got 1e\+308\)" -- "$bin" run --set workload.arrival.rate_per_s=1e308
check "huge service mean" 2 "station.service.mean_ms: must be a time > 0 and at most 1e\+09 ms" -- "$bin" run "$src/scenarios/mm1.json" --set station.service.mean_ms=1e15
# One server, 1e6 s a request, 10000 requests: the last would end at 1e10 s = 1e19 ns, beyond int64 (it
# wrapped around); now the 1001st, ending after 1e9 s, stops the run at the clock's horizon.
check "clock horizon" 2 "the run's clock reached 1e\+09 s of simulated time" -- "$bin" run "$src/scenarios/mm1.json" --set 'station.service={"distribution":"deterministic","mean_ms":1e9}' --set workload.arrival.rate_per_s=1 --set workload.requests=10000 --set workload.warmup_requests=10
# A device as an input file was read until memory ran out (std::bad_alloc, an abort): refused unread.
check "device as scenario" 2 "/dev/zero: is not a file or a pipe, not a scenario file" -- "$bin" run /dev/zero
check "device as points" 2 "/dev/zero: is not a file or a pipe" -- "$bin" validate --points /dev/zero
check "wrong type" 2 "station.servers: must be an integer" -- "$bin" run --set station.servers='"two"'
check "unknown field" 2 "station.sevice: unknown field" -- "$bin" run --set station.sevice.mean_ms=3
check "zero cv" 2 "workload.arrival.cv: must be a number between 0.001 and 100 \(got 0\)" -- "$bin" run --set workload.arrival.process=gamma --set workload.arrival.cv=0
check "missing scenario file" 2 "nope.json: cannot open the scenario file" -- "$bin" run "$tmp/nope.json"
printf '{"seed": 1,,}' >"$tmp/broken.json"
check "broken json" 2 "broken.json: not valid JSON: line 1, column 12: " -- "$bin" run "$tmp/broken.json"
# Issue 10: JSON beyond the parser's bounds is refused with its position, never a crash.
check "directory as scenario" 2 ": is a directory, not a scenario file" -- "$bin" run "$tmp"
printf '{"workload": {"arrival": {"rate_per_s": 1e400}}}' >"$tmp/huge.json"
check "number beyond double" 2 "huge.json: line 1, column 41: the number 1e400 is beyond the range of a double" -- "$bin" run "$tmp/huge.json"
check "set number beyond double" 2 "--set workload.arrival.rate_per_s: line 1, column 1: the number 1e400 is beyond" -- "$bin" run --set workload.arrival.rate_per_s=1e400
head -c 100000 /dev/zero | tr '\0' '[' >"$tmp/deep.json"
head -c 100000 /dev/zero | tr '\0' ']' >>"$tmp/deep.json"
check "deep nesting" 2 "deep.json: line 1, column 65: nested deeper than 64 arrays and objects" -- "$bin" run "$tmp/deep.json"
printf '{"base": %s}' "$(cat "$tmp/deep.json")" >"$tmp/deepsweep.json"
check "deep sweep file" 2 "deepsweep.json: line 1, column 73: nested deeper than 64" -- "$bin" sweep "$tmp/deepsweep.json"
printf '{\n  "seed": 1,\n  "seed": 2\n}' >"$tmp/dup.json"
check "duplicate key" 2 'dup.json: line 3: duplicate key "seed"' -- "$bin" run "$tmp/dup.json"
check "missing trace" 2 "workload.arrival.trace: .*nope.csv: cannot open the trace file" -- "$bin" run --set workload.arrival.process=trace --set workload.arrival.trace="$tmp/nope.csv"
printf 'arrival_s,prompt_tokens,output_tokens\n0.1,10,5\n0.2,ten,5\n' >"$tmp/bad.csv"
check "malformed trace line" 2 "bad.csv:3:5: prompt_tokens must be an integer" -- "$bin" run --set workload.arrival.process=trace --set workload.arrival.trace="$tmp/bad.csv"
printf '0,1,1\ninf,1,1\n' >"$tmp/inf.csv"
check "infinite trace arrival" 2 "inf.csv:2:1: arrival_s must be a number between 0 and 1e6" -- "$bin" run --set workload.arrival.process=trace --set workload.arrival.trace="$tmp/inf.csv"
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 00:00:00,1,1\n9999-11-16 00:00:00,1,1\n' >"$tmp/far.csv"
check "azure trace beyond the horizon" 2 "far.csv:3:1: .* s after the first request; a trace may span at most 1e9 s" -- "$bin" run --set workload.arrival.process=trace --set workload.arrival.trace_format=azure --set workload.arrival.trace="$tmp/far.csv"
printf 'TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 00:00:00,1,1\n2023-11-28 00:00:00,1,1\n' >"$tmp/long.csv"
check "azure trace beyond 1e6 s" 2 "workload.arrival.trace: the replay would span 1.0368e\+06 s; at most 1e6 s" -- "$bin" run --set workload.arrival.process=trace --set workload.arrival.trace_format=azure --set workload.arrival.trace="$tmp/long.csv"
check "azure trace window" 0 "requests" -- "$bin" run --set workload.arrival.process=trace --set workload.arrival.trace_format=azure --set workload.arrival.trace="$tmp/long.csv" --set 'workload.arrival.trace_window={"end_s":86400}' --set workload.requests=1 --set workload.warmup_requests=0
printf 'TIMESTAMP,GeneratedTokens,ContextTokens\n2024-05-10 00:00:00.009930+00:00,10,4000\n2024-05-10 00:00:01.009930+00:00,10,4000\n' >"$tmp/az24.csv"
check "azure 2024 by header" 0 "requests" -- "$bin" run --set workload.arrival.process=trace --set workload.arrival.trace_format=azure --set workload.arrival.trace="$tmp/az24.csv" --set workload.requests=2 --set workload.warmup_requests=0
check "event limit" 2 "limits.max_events" -- "$bin" run --set limits.max_events=100
check "closed loop frontier refused" 2 "needs an open-loop workload" -- "$bin" frontier "$src/scenarios/closed-loop.json" --rates 1:2:2
check "analytic mm1 p99" 0 "460.5" -- "$bin" analytic mm1 --lambda 90 --mu 100
check "analytic bad input" 2 "lambda" -- "$bin" analytic mm1 --lambda -1 --mu 100
check "plan ranks splits" 0 "TTFT waterfall" -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 2
check "plan json" 0 '"saturation_output_tokens_per_s"' -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 2 --json
check "plan slo" 0 "TTFT <= 50.0 ms" -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 1 --ttft-slo 50ms --tpot-slo 0.03s
check "plan nothing fits" 2 "weights need 141.1 GB per GPU" -- "$bin" plan --model llama-3-70b --gpu h100-sxm --gpus 1
check "plan bad slo" 2 "--ttft-slo: expected a duration" -- "$bin" plan --model llama-3-70b --gpu h100-sxm --ttft-slo 50
check "plan unknown model" 2 "--model: unknown model" -- "$bin" plan --model llama-9 --gpu h100-sxm
check "plan bad gpus" 2 "--gpus: must be between 1 and 1024" -- "$bin" plan --model llama-3-70b --gpu h100-sxm --gpus 0
check "plan replicas" 0 "26 configurations: replicas x TP x PP <= 8" -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 8 --rate 20 --ttft-slo 30ms
check "plan replicas goodput" 0 '"goodput_per_usd": 12000' -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 8 --rate 20 --ttft-slo 30ms --json
check "plan no replicas" 0 "4 splits: TP x PP = 8 GPUs, one replica" -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 8 --no-replicas
check "plan bad replicas" 2 "--replicas" -- "$bin" plan --model llama-3-8b --gpu h100-sxm --replicas=maybe
# Disaggregated P:D configurations (--disaggregation, with --rate): 1 TP2 prefill + 1 TP2 decode replica meet a
# 5 ms P99 TPOT at 10 req/s of 4,096-token prompts (3.95 ms) that every co-located 4-GPU layout misses.
check "plan disaggregation" 0 "1P TP2:1D TP2 yes +52.59 +3.59 +235 +- .* ok" -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 4 --rate 10 --prompt 4096 --output 32 --tpot-slo 5ms --disaggregation
check "plan disaggregation json" 0 '"decode_tp": 2' -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 4 --rate 10 --prompt 4096 --output 32 --tpot-slo 5ms --disaggregation --json
check "plan disaggregation needs rate" 2 "--disaggregation: needs --rate > 0" -- "$bin" plan --model llama-3-8b --gpu h100-sxm --gpus 4 --disaggregation
check "memory paged vs contiguous" 0 "paged / contiguous: 4.02x" -- "$bin" memory --model llama-3-70b --gpu h100-sxm --tp 8 --context 2048
check "memory json" 0 '"users_paged": 643' -- "$bin" memory --model llama-3-70b --gpu h100-sxm --tp 8 --context 2048 --json
check "memory does not fit" 2 "does not fit: weights need 141.1 GB" -- "$bin" memory --model llama-3-70b --gpu h100-sxm --tp 1 --context 2048
check "memory bad reservation" 2 "--reservation: must be one of" -- "$bin" memory --model llama-3-70b --gpu h100-sxm --tp 8 --context 2048 --reservation exact

check "llm run" 0 "TTFT" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.requests=200 --set workload.warmup_requests=20
check "llm json names" 0 '"usd_per_million_output_tokens"' -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.requests=100 --set workload.warmup_requests=10 --json
check "llm set tp" 0 "TP4 PP2" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.requests=100 --set workload.warmup_requests=10 --set replica.tp=4 --set replica.pp=2
check "weights do not fit" 2 "needs 141.1 GB|need 141.1 GB" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set replica.tp=1
check "unknown model" 2 "replica.model: unknown model \"llama-9\"" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set replica.model=llama-9
check "tp must divide heads" 2 "replica.tp" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set replica.tp=3
check "bad allocator" 2 "replica.kv.allocator: must be one of" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set replica.kv.allocator=buddy
check "timeline file" 0 "TTFT" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.requests=50 --set workload.warmup_requests=5 --timeline "$tmp/trace.json"
check "timeline is a trace" 0 "traceEvents" -- cat "$tmp/trace.json"
# Issue 16: a gzipped timeline, a clear refusal without an LLM replica, per-request rows, vLLM-named fields.
check "timeline gzipped" 0 "TTFT" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.requests=50 --set workload.warmup_requests=5 --timeline "$tmp/trace.json.gz"
check "timeline gz is a trace" 0 "traceEvents" -- gzip -dc "$tmp/trace.json.gz"
check "no timeline for a station" 2 '--timeline: scenario "mm1" has no LLM replica to trace' -- "$bin" run "$src/scenarios/mm1.json" --timeline "$tmp/mm1-trace.json"
check "timeline name" 2 "--timeline .*trace.txt: must end in .json or .json.gz" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --timeline "$tmp/trace.txt"
check "requests csv" 0 "TTFT" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.requests=60 --set workload.warmup_requests=5 --requests "$tmp/requests.csv"
check "requests csv header" 0 "^request_id,measured,completed,pool,replica,arrival_s,scheduled_s,first_token_s,end_s,prompt_tokens,output_tokens,ttft_ms,tpot_ms,e2e_ms,preemptions$" -- head -1 "$tmp/requests.csv"
check "requests csv rows" 0 "^61$" -- wc -l < "$tmp/requests.csv"
check "requests csv for a station" 0 "^2001$" -- sh -c "'$bin' run '$src/scenarios/mm1.json' --set workload.requests=2000 --set workload.warmup_requests=10 --requests '$tmp/mm1-requests.csv' >/dev/null && wc -l < '$tmp/mm1-requests.csv'"
check "requests name" 2 "--requests .*rows.json: must end in .csv" -- "$bin" run "$src/scenarios/mm1.json" --requests "$tmp/rows.json"
check "requests unwritable" 2 "--requests /nonexistent/dir/r.csv: cannot create the file" -- "$bin" run "$src/scenarios/mm1.json" --requests /nonexistent/dir/r.csv
check "vllm names in the report" 0 '"p99_ttft_ms"' -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.requests=100 --set workload.warmup_requests=10 --json
check "report version" 0 '"fleetlab_version": "0.1.0"' -- "$bin" run "$src/scenarios/mm1.json" --set workload.requests=100 --set workload.warmup_requests=10 --json
check "report resolved scenario" 0 '"rate_per_s": 55' -- "$bin" run "$src/scenarios/mm1.json" --set workload.requests=100 --set workload.warmup_requests=10 --set workload.arrival.rate_per_s=55 --json
check "compare vllm result" 0 "^mean_ttft_ms +20.000 " -- "$bin" compare "$src/tests/data/vllm-bench-synthetic.json" --gpu h100-sxm
check "compare needs a gpu" 2 "--gpu: give the GPU the benchmark ran on" -- "$bin" compare "$src/tests/data/vllm-bench-synthetic.json"
printf '{"model_id": "x/unknown-model", "num_prompts": 2, "request_rate": 1, "completed": 2, "input_lens": [1, 2], "output_lens": [3, 4]}' >"$tmp/vllm-unknown.json"
check "compare unknown model" 2 "--model: the result's model_id \"x/unknown-model\" is not in the catalog" -- "$bin" compare "$tmp/vllm-unknown.json" --gpu h100-sxm
printf '{"num_prompts": 2, "request_rate": "fast", "completed": 2}' >"$tmp/vllm-bad.json"
check "compare bad rate" 2 'vllm-bad.json: request_rate: must be a rate between 1e-06 and 1e\+09 per second, or "inf"' -- "$bin" compare "$tmp/vllm-bad.json" --gpu h100-sxm --model llama-3-8b
# GenAI-Perf's CSV (its layout; the numbers made up for this test), with the load after '#'.
printf 'Metric,avg,min,max,p99,p95,p90,p75,p50,p25\nTime To First Token (ms),40.00,20.00,90.00,88.00,80.00,70.00,50.00,35.00,25.00\nInter Token Latency (ms),9.00,8.00,12.00,11.90,11.50,11.00,10.00,9.00,8.50\nRequest Latency (ms),"1,200.00",900.00,"1,500.00","1,490.00","1,450.00","1,400.00","1,300.00","1,190.00","1,100.00"\nOutput Sequence Length (tokens),128.00,128.00,128.00,128.00,128.00,128.00,128.00,128.00,128.00\nInput Sequence Length (tokens),512.00,512.00,512.00,512.00,512.00,512.00,512.00,512.00,512.00\n\nMetric,Value\nOutput Token Throughput (per sec),"1,100.00"\nRequest Throughput (per sec),8.60\nRequest Count (count),60.00\n' >"$tmp/genai-perf.csv"
check "compare a genai-perf csv" 0 "^mean_tpot_ms +9.000 " -- "$bin" compare "$tmp/genai-perf.csv#concurrency=8" --gpu h100-sxm --model llama-3.1-8b-instruct
check "compare genai-perf needs the load" 2 "genai-perf.csv: a GenAI-Perf CSV needs the load it ran at" -- "$bin" compare "$tmp/genai-perf.csv" --gpu h100-sxm --model llama-3-8b
check "compare genai-perf bad load" 2 'allowed are concurrency=1..1e6' -- "$bin" compare "$tmp/genai-perf.csv#users=8" --gpu h100-sxm --model llama-3-8b
check "compare genai-perf needs a model" 2 "--model: the result names no model" -- "$bin" compare "$tmp/genai-perf.csv#rate=8" --gpu h100-sxm
check "azure trace" 0 "scenario azure-trace-replay" -- "$bin" run "$src/scenarios/azure-trace-replay.json"
check "fleet run" 0 "imbalance: max/mean requests" -- "$bin" run "$src/scenarios/fleet-power-of-two.json"
check "fleet json" 0 '"max_over_mean_requests"' -- "$bin" run "$src/scenarios/fleet-power-of-two.json" --set workload.requests=10000 --json
check "fleet frontier" 0 "<- knee" -- "$bin" frontier "$src/scenarios/fleet-power-of-two.json" --rates 100:780:6 --set workload.requests=20000
check "fleet bad policy" 2 "fleet.router.policy: must be one of" -- "$bin" run "$src/scenarios/fleet-power-of-two.json" --set fleet.router.policy=fastest
check "fleet zero replicas" 2 "fleet.replicas: must be an integer between 1 and 10000" -- "$bin" run --set fleet.replicas=0
check "catalog lists models" 0 "llama-3-70b" -- "$bin" catalog
check "catalog unknown gpu" 2 "unknown" -- "$bin" catalog gpu nope
check "catalog cost edge" 0 "needs 966 KiB, has 512 KiB" -- "$bin" catalog cost --model dtln --device m55-ethos-u55
check "catalog cost bad tp" 2 "shape.tp: must divide" -- "$bin" catalog cost --model vit-b-16 --device l4 --tp 5
check "catalog cost calibrated" 0 "calibration h100-sxm-bf16-vllm" -- "$bin" catalog cost --model llama-3-8b \
  --device h100-sxm --dtype bf16 --tokens 512 --calibration h100-sxm-bf16-vllm
check "catalog cost calibrated json" 0 '"calibration": "h100-sxm-bf16-vllm"' -- "$bin" catalog cost --json \
  --model llama-3-8b --device h100-sxm --dtype bf16 --tokens 1 --context 100 --calibration h100-sxm-bf16-vllm
check "catalog cost calibration for another dtype" 2 "calibration: h100-sxm-bf16-vllm is for h100-sxm in bf16" -- \
  "$bin" catalog cost --model llama-3-8b --device h100-sxm --dtype fp8 --tokens 512 --calibration h100-sxm-bf16-vllm

# Issue 15: any catalog, today's models and traffic (data/README.md, docs/model.md, docs/scenario.md).
printf '{"model_type": "qwen2", "hidden_size": 3584, "intermediate_size": 18944, "num_attention_heads": 28, "num_key_value_heads": 4, "num_hidden_layers": 28, "vocab_size": 152064, "max_position_embeddings": 32768, "tie_word_embeddings": false}' >"$tmp/config.json"
mkdir -p "$tmp/overlay/models"
check "import-hf writes a model file" 0 "wrote .*q7.json \\(q7\\)" -- "$bin" catalog import-hf "$tmp/config.json" --name q7 --out "$tmp/overlay/models/q7.json"
check "import-hf cites the config" 0 '"kv_heads": "Hugging Face config.json \(.*config.json\): num_key_value_heads = 4"' -- cat "$tmp/overlay/models/q7.json"
check "imported model unknown without --data" 2 "--model: unknown model \"q7\"" -- "$bin" memory --model q7 --gpu l40s --context 8192
check "--data lays a folder over data/" 0 "KV per token per GPU: 57,344 B" -- "$bin" --data "$tmp/overlay" memory --model q7 --gpu l40s --context 8192
check "--data after the subcommand" 0 "TP1 PP1 \\(1 GPUs\\)" -- "$bin" memory --model q7 --gpu l40s --context 8192 --data "$tmp/overlay"
check "FLEETLAB_DATA overlay on run" 0 "replica: q7 on 1 x l40s" -- env FLEETLAB_DATA="$tmp/overlay" "$bin" run "$src/scenarios/llama3-70b-h100.json" --set replica.model=q7 --set replica.gpu=l40s --set replica.tp=1 --set workload.requests=50 --set workload.warmup_requests=5
check "--data must exist" 2 "--data: Directory does not exist" -- "$bin" --data "$tmp/none" catalog
check "MLA caches the latent" 0 "KV per token per GPU: 70,272 B" -- "$bin" memory --model deepseek-v3 --gpu h200 --tp 8 --context 4096 --weight-dtype fp8
check "memory with expert parallelism" 0 "paged \\(blocks of 16\\) +4,096 +756" -- "$bin" memory --model deepseek-v3 --gpu h200 --ep 8 --attention-dp 8 --context 4096 --weight-dtype fp8
check "memory ep must be tp x attention-dp" 2 "--ep: must equal tp x attention_dp = 2 x 8 = 16" -- "$bin" memory --model deepseek-v3 --gpu h200 --tp 2 --ep 8 --attention-dp 8 --context 4096
check "long context up to the model's" 0 "context 131,072 tokens per user" -- "$bin" memory --model llama-3.1-70b --gpu h100-sxm --tp 4 --context 131072
check "context beyond the model's" 2 "--context: must be between 1 and llama-3.1-70b's max context 131072" -- "$bin" memory --model llama-3.1-70b --gpu h100-sxm --tp 4 --context 131073
check "expert parallelism across nodes" 0 "deepseek-v3 on 16 x h200 \\(TP1 PP1 DP16 EP16\\)" -- "$bin" run "$src/scenarios/deepseek-v3-ep16-h200.json" --set workload.requests=300 --set workload.warmup_requests=30
check "tp across nodes refused" 2 "replica.tp: 16 GPUs of tensor parallelism would span 2 nodes of h100-sxm" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set replica.model=llama-3.1-405b --set replica.tp=16
check "tp across nodes when asked" 0 "TP16 PP1" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set replica.model=llama-3.1-405b --set replica.tp=16 --set replica.tp_across_nodes=true --set workload.requests=50 --set workload.warmup_requests=5
check "fp4 refused on hopper" 2 "replica.activation_dtype: h100-sxm has no nvfp4 math" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set replica.dtype.activations=nvfp4
check "workload classes reported" 0 "summarise +[0-9]+ +0 " -- "$bin" run "$src/scenarios/diurnal-classes.json" --set workload.duration_s=600
printf 'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n0.5,ChatGPT,100,20,120,Conversation log\n1.0,GPT-4,%0500d,20,120,Conversation log\n' 7 >"$tmp/burst.csv"
check "burstgpt by header" 0 "2 measured completed" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.arrival='{"process":"trace","trace":"'"$tmp/burst.csv"'","trace_format":"burstgpt"}' --set workload.warmup_requests=0
printf 'Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type\n0.5,ChatGPT,%0600d,x,1,Conversation log\n' 0 >"$tmp/longline.csv"
check "trace error quotes at most 200 characters" 2 "longline.csv:2:614: Response tokens must be an integer >= 0 \\(got \"0.5,ChatGPT,0{188}\\.\\.\\. \\([0-9]+ more characters\\)\"\\)$" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set workload.arrival='{"process":"trace","trace":"'"$tmp/longline.csv"'","trace_format":"burstgpt"}' --set workload.warmup_requests=0

check "ttft frontier" 0 "TTFT p99" -- "$bin" frontier "$src/scenarios/llama3-70b-h100.json" --rates 2:30:4 --set workload.requests=800 --set workload.warmup_requests=50 --metric ttft
check "ttft frontier json" 0 '"ttft_p99_ms"' -- "$bin" frontier "$src/scenarios/llama3-70b-h100.json" --rates 2:10:2 --set workload.requests=300 --set workload.warmup_requests=20 --json
check "ttft metric needs a replica" 2 "needs a scenario with an LLM" -- "$bin" frontier --rates 10:20:2 --metric ttft

# Sweeps and capacity (docs/sweep.md).
check "sweep csv" 0 "^index,key,station.servers,workload.arrival.rate_per_s,stable,e2e_p50_ms" -- "$bin" sweep "$src/sweeps/mm1-rates.json" --threads 2
check "sweep writes a file" 0 "36 points: 36 simulated" -- "$bin" sweep "$src/sweeps/mm1-rates.json" --out "$tmp/mm1.csv"
check "sweep resumes" 0 "0 simulated .* 36 resumed" -- "$bin" sweep "$src/sweeps/mm1-rates.json" --out "$tmp/mm1.csv"
check "sweep json" 0 "36 points: 36 simulated" -- "$bin" sweep "$src/sweeps/mm1-rates.json" --out "$tmp/mm1.json"
check "sweep json rows" 0 '^\{"index":0,"key":"[0-9a-f]{16}","params":\{"station.servers":1,"workload.arrival.rate_per_s":10\}' -- cat "$tmp/mm1.json"
printf '{"base": "%s/scenarios/mm1.json", "axes": [{"path": "station.servers", "vales": [1]}]}' "$src" >"$tmp/typo.json"
check "sweep unknown field" 2 "typo.json: axes\[0\].vales: unknown field" -- "$bin" sweep "$tmp/typo.json"
printf '{"base": "%s/scenarios/mm1.json", "axes": [{"path": "station.servers", "values": []}]}' "$src" >"$tmp/empty.json"
check "sweep empty axis" 2 "axes\[0\].values: is empty" -- "$bin" sweep "$tmp/empty.json"
printf '{"base": "%s/scenarios/mm1.json", "axes": [{"path": "station.servers", "values": [1, 0]}]}' "$src" >"$tmp/badpoint.json"
check "sweep bad point" 2 "point 1 \(station.servers=0\): station.servers: must be" -- "$bin" sweep "$tmp/badpoint.json"
check "sweep bad out" 2 "--out .*: must end in .csv or .json" -- "$bin" sweep "$src/sweeps/mm1-rates.json" --out "$tmp/rows.txt"
printf '{"base": "%s/scenarios/llama3-70b-h100.json", "axes": [{"path": "replica.tp", "values": [1]}, {"path": "workload.requests", "values": [50]}, {"path": "workload.warmup_requests", "values": [5]}]}' "$src" >"$tmp/nofit.json"
check "sweep refused point is a row" 0 "1 refused" -- "$bin" sweep "$tmp/nofit.json" --out "$tmp/nofit.csv"
check "sweep error column" 0 "does not fit: weights need 141.1 GB" -- cat "$tmp/nofit.csv"
check "capacity mm1" 0 "1 server +5[0-9]\.[0-9]+" -- "$bin" capacity "$src/sweeps/mm1-capacity.json"
check "capacity json" 0 '"bound": "found"' -- "$bin" capacity "$src/sweeps/mm1-capacity.json" --json
printf '{"base": "%s/scenarios/mm1.json", "slo": ["latency_ms.e2e.p99 < 100"], "rate": {"low": 1, "high": 9}}' "$src" >"$tmp/badslo.json"
check "capacity bad slo" 2 "slo\[0\]: expected \"METRIC <= NUMBER\"" -- "$bin" capacity "$tmp/badslo.json"
printf '{"base": "%s/scenarios/mm1.json", "slo": ["latency_ms.ttft.p99 <= 100"], "rate": {"low": 1, "high": 9}}' "$src" >"$tmp/nottft.json"
check "capacity metric not in report" 2 "latency_ms.ttft.p99 is not a field" -- "$bin" capacity "$tmp/nottft.json"
# Issue 16: capacity fills GPUs, $/h and $/1M input/output tokens without a target, and counts every GPU of a
# disaggregated system (2 pools x TP4 = 8).
printf '{"base": "%s/scenarios/llama3-70b-disaggregated.json", "slo": ["latency_ms.ttft.p99 <= 2000"], "rate": {"low": 0.5, "high": 1, "tolerance_per_s": 0.5}, "configurations": [{"name": "disagg", "set": {"workload.requests": 300, "workload.warmup_requests": 30}}]}' "$src" >"$tmp/disagg-cap.json"
check "capacity disaggregated gpus" 0 '^disagg +[>= 0-9.]+ +[0-9]+ +8 +24\.00 +[0-9.]+ +[0-9.]+ ' -- "$bin" capacity "$tmp/disagg-cap.json"
# fleetlab size: the cheapest fleets for a rate within SLOs (docs/sweep.md "Sizing").
check "size lists fleets" 0 "^ 1  [0-9]+ x h100-sxm TP[12] PP1 " -- "$bin" size --model llama-3-8b --gpu h100-sxm --rate 20 --prompt 256 --output 64 --ttft-ms 400 --tpot-ms 40 --tp 1,2 --pp 1 --pd none --requests 200
check "size json" 0 '"kind": "sizing"' -- "$bin" size --model llama-3-8b --gpu h100-sxm --rate 20 --prompt 256 --output 64 --ttft-ms 400 --tp 1 --pp 1 --pd 1:1 --requests 200 --json
check "size unknown gpu" 2 "gpus\[0\]: unknown GPU \"h100\"; known:" -- "$bin" size --model llama-3-8b --gpu h100 --rate 20 --ttft-ms 400
check "size needs an objective" 2 "slo: missing" -- "$bin" size --model llama-3-8b --gpu h100-sxm --rate 20
check "size needs a rate" 2 "rate_per_s: missing" -- "$bin" size --model llama-3-8b --gpu h100-sxm --ttft-ms 400
check "size bad ratio" 2 "search.pd_ratios\[0\]: must be \"P:D\"" -- "$bin" size --model llama-3-8b --gpu h100-sxm --rate 20 --ttft-ms 400 --pd 0:1
check "size bad flag range" 2 "--headroom" -- "$bin" size --model llama-3-8b --gpu h100-sxm --rate 20 --ttft-ms 400 --headroom 11
check "size html" 0 '"front":\[' -- sh -c "'$bin' size --model llama-3-8b --gpu h100-sxm --rate 20 --prompt 256 --output 64 --ttft-ms 400 --tp 1,2 --pp 1 --pd none --requests 200 --html '$tmp/size.html' >/dev/null 2>&1 && cat '$tmp/size.html'"
check "sweep html" 0 '<h2>Throughput vs latency</h2>|"title":"Throughput vs latency"' -- sh -c "'$bin' sweep '$src/sweeps/mm1-rates.json' --out '$tmp/mm1-html.csv' --html '$tmp/sweep.html' 2>/dev/null && cat '$tmp/sweep.html'"
check "sweep html bad path" 2 "--html /nonexistent/x.html: cannot write the file" -- "$bin" sweep "$src/sweeps/mm1-rates.json" --html /nonexistent/x.html

# Issue 10: a run too big for memory or for the clock is refused before it starts (docs/scenario.md,
# "How big a run may be"), by run, frontier, sweep and capacity alike.
# An overloaded queue (1000/s into 100/s): its backlog grows with the run (the latency samples do not, past 2^20).
check "requests beyond memory" 2 "workload.requests: the run would need about 117.4 GiB of memory \(1e\+09 requests at about 126 B each\); --max-memory 8G allows 8.0 GiB" -- "$bin" run --set workload.requests=1000000000 --set workload.arrival.rate_per_s=1000
check "rate x duration beyond the cap" 2 "workload.duration_s: rate x duration = 1e\+15 requests; at most 1e\+09 a run" -- "$bin" run --set workload.duration_s=1e6 --set workload.arrival.rate_per_s=1e9
check "arrivals beyond the horizon" 2 "workload.requests: 50000 requests at 1e-06 per second span 5e\+10 s" -- "$bin" run --set workload.arrival.rate_per_s=1e-6
check "llm fleet beyond memory" 2 "fleet.replicas: the run would need about 112 MiB of memory \(98 MiB for the fleet.s members\)" -- "$bin" run "$src/scenarios/llama3-70b-h100.json" --set fleet.replicas=10000 --max-memory 64M
check "max-memory lowered" 2 "workload.requests: the run would need about 37 MiB .*--max-memory 32M allows 32 MiB" -- "$bin" run "$src/scenarios/mm1.json" --set workload.requests=1000000 --max-memory 32M
check "max-memory raised" 0 "scenario mm1" -- "$bin" run "$src/scenarios/mm1.json" --set workload.requests=1000000 --max-memory 64M
check "bad max-memory" 2 "--max-memory 8X: expected a size between 1M and 1024T" -- "$bin" run --max-memory 8X
# Latency samples stop growing at 2^20 (then sketched); a deadline's outcomes (1 B a request) do not.
check "frontier beyond memory" 2 "the frontier's point at 10 req/s: workload.requests: the run would need about 419 MiB .*over 2 runs at once allows 256 MiB" -- "$bin" frontier "$src/scenarios/mm1.json" --rates 10:90:4 --threads 2 --set workload.requests=400000000 --set deadline.budget_ms=100 --max-memory 512M
# With --loads the rates are known once the capacity is (100/s here): a timed run's points, checked then.
check "frontier loads beyond memory" 2 "the frontier's point at 500 req/s: workload.duration_s: the run would need" -- "$bin" frontier --set workload.duration_s=1000000 --set workload.arrival.rate_per_s=0.001 --set workload.warmup_requests=0 --loads 5:10:2
# 1000/s into 100/s: the backlog's queued requests (126 B each) grow with the run.
printf '{"base": "%s/scenarios/mm1.json", "axes": [{"path": "workload.requests", "values": [2000, 1000000000]}, {"path": "workload.arrival.rate_per_s", "values": [1000]}]}' "$src" >"$tmp/bigsweep.json"
check "sweep point beyond memory" 2 "point 1: workload.requests: the run would need about 117.4 GiB" -- "$bin" sweep "$tmp/bigsweep.json" --threads 1
check "capacity beyond memory" 2 "configuration \"1 server\" at 10/s: workload.requests: the run would need about 15 MiB .* allows 1 MiB" -- "$bin" capacity "$src/sweeps/mm1-capacity.json" --threads 1 --max-memory 1M
# The estimate against the real peak memory (docs/scenario.md): within 2x either way.
# Not under a sanitizer: ASan's shadow memory and quarantine make the peak RSS
# several times what the same run needs in a normal build.
if [ -n "${FLEETLAB_SANITIZED:-}" ]; then
  echo "cli: sanitizer build: the memory estimate's RSS check is skipped"
elif [ -x /usr/bin/time ]; then
  rss_check() {  # rss_check NAME -- run arguments...
    local name="$1" est_mib rss_kib
    shift 2
    est_mib="$("$bin" run "$@" --max-memory 1M 2>&1 | sed -nE 's/.*need about ([0-9.]+) (MiB|GiB).*/\1 \2/p' | awk '{print ($2 == "GiB") ? $1 * 1024 : $1}')"
    rss_kib="$(/usr/bin/time -f '%M' "$bin" run "$@" 2>&1 >/dev/null | tail -1)"
    if awk -v e="$est_mib" -v r="$rss_kib" 'BEGIN { m = r / 1024; exit !(e > 0 && e <= 2 * m && m <= 2 * e) }'; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1))
      echo "FAIL: $name: estimate ${est_mib} MiB, peak RSS ${rss_kib} KiB"
    fi
  }
  rss_check "memory estimate, mm1 3e6 requests" -- "$src/scenarios/mm1.json" --set workload.requests=3000000
  rss_check "memory estimate, 100 LLM replicas" -- "$src/scenarios/llama3-70b-h100.json" --set fleet.replicas=100 --set workload.requests=1000 --set workload.warmup_requests=10
  rss_check "memory estimate, hedged fan-out path" -- "$src/tracks/edge-guardian/part3.json" --set workload.requests=300000 --set workload.warmup_requests=10
else
  echo "cli: /usr/bin/time not found: the memory estimate's RSS check is skipped"
fi

# calibrate: tools/calibrate/gpu_calibrate.py's cases timed by a stated
# roofline (--synthetic: no GPU), fitted back by fleetlab calibrate: floor 5
# us, 85% of HBM, 35% of peak below 512 tokens and 70% from there.
if /usr/bin/python3 "$src/tools/calibrate/gpu_calibrate.py" --synthetic 989,3350 --out "$tmp/kernels.json" 2>/dev/null; then
  check "calibrate fits the synthetic kernels" 0 "kernel floor 5.0 us" -- \
    "$bin" calibrate --gpu h100-sxm --kernels "$tmp/kernels.json" -o "$tmp/profile.json"
  check "calibrate's profile holds the roofline it was made by" 0 "^0.85 0.35 0.7$" -- /usr/bin/python3 -c \
    "import json; p = json.load(open('$tmp/profile.json'))['linear']; e = dict(zip(p['tokens'], p['matmul_efficiency'])); print(round(p['weight_memory_efficiency'], 4), round(e[128], 4), round(e[2048], 4))"
else
  fail=$((fail + 1)); echo "FAIL: gpu_calibrate.py --synthetic"
fi
check "gpu_calibrate.py refuses a bad --synthetic" 2 "PEAK_TFLOPS,HBM_GBPS" -- /usr/bin/python3 "$src/tools/calibrate/gpu_calibrate.py" --synthetic 1
check "calibrate names an unknown GPU" 2 "--gpu: unknown GPU \"h900\"" -- "$bin" calibrate --gpu h900 --kernels "$tmp/kernels.json"
check "calibrate needs GEMM timings" 2 "give at least one file of GEMM timings" -- "$bin" calibrate --gpu h100-sxm
check "calibrate fits Vidur's attention table" 0 "attention.decode +2 " -- "$bin" calibrate --gpu a100-80gb \
  --vidur-mlp "$src/tests/data/calibration/vidur-h100-llama-2-70b-mlp-excerpt.csv" \
  --vidur-attention "$src/tests/data/calibration/vidur-a100-attention-excerpt.csv"
printf 'n_embd,n_q_head\n8192,64\n' >"$tmp/attention.csv"
check "calibrate names a missing attention column" 2 "--vidur-attention .*attention.csv: line 1: no column" -- \
  "$bin" calibrate --gpu a100-80gb --vidur-mlp "$src/tests/data/calibration/vidur-h100-llama-2-70b-mlp-excerpt.csv" \
  --vidur-attention "$tmp/attention.csv"
check "calibrate records a stated overlap" 0 "35% of each TP all-reduce runs under compute" -- "$bin" calibrate --gpu h100-sxm \
  --vidur-mlp "$src/tests/data/calibration/vidur-h100-llama-2-70b-mlp-excerpt.csv" --tp-overlap 0.35 --source "a test"
check "calibrate refuses an overlap past 1" 2 "--tp-overlap" -- "$bin" calibrate --gpu h100-sxm \
  --vidur-mlp "$src/tests/data/calibration/vidur-h100-llama-2-70b-mlp-excerpt.csv" --tp-overlap 1.5
check "calibrate names a bad CSV's column" 2 "--vidur-mlp .*: line 1: no column" -- "$bin" calibrate --gpu h100-sxm --vidur-mlp "$src/tests/data/calibration/vidur-dgx-all-reduce-excerpt.csv"
check "calibrate fits a matmul ceiling to Splitwise's prompt phases" 0 "end_to_end.prompt_phase +3 " -- "$bin" calibrate \
  --gpu h100-sxm --vidur-mlp "$src/tests/data/calibration/vidur-h100-llama-2-70b-mlp-excerpt.csv" \
  --splitwise "$src/tests/data/calibration/splitwise-h100-llama2-70b-excerpt.csv" --splitwise-hardware h100-80gb \
  --model llama-2-70b --tp 2 --engine vllm-v0
aic="$src/tests/data/calibration/aic-h200-sglang-0.5.9"
check "calibrate fits aiconfigurator's fused MoE timings" 0 "^moe +11 " -- "$bin" calibrate --gpu h200 --dtype fp8 \
  --engines sglang --aic-gemm "$aic-gemm-excerpt.csv" --aic-moe "$aic-moe-excerpt.csv" \
  --aic-all-reduce "$aic-allreduce-excerpt.csv" --aic-mla-decode "$aic-mla-decode-excerpt.csv"
check "calibrate names an aiconfigurator dtype with no rows" 2 "--aic-moe .*: no row is a balanced, moe_ep_size 1 call of moe_dtype \"int4\"" -- \
  "$bin" calibrate --gpu h200 --dtype fp8 --aic-moe "$aic-moe-excerpt.csv" --aic-dtype int4
check "calibrate needs the Splitwise rows' hardware" 2 "--splitwise-hardware: needed" -- "$bin" calibrate --gpu h100-sxm \
  --vidur-mlp "$src/tests/data/calibration/vidur-h100-llama-2-70b-mlp-excerpt.csv" \
  --splitwise "$src/tests/data/calibration/splitwise-h100-llama2-70b-excerpt.csv" --model llama-2-70b --tp 2

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
