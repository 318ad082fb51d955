#!/usr/bin/env bash
# Regenerates the shipped profiles data/calibration/h200-fp8-sglang.json and
# b200-bf16-vllm.json from NVIDIA's public aiconfigurator kernel database
# (docs/calibration.md, "NVIDIA aiconfigurator's kernel database").
# Usage: tools/calibrate/aiconfigurator-profile.sh AIC_GIT
#   AIC_GIT: a git clone of https://github.com/ai-dynamo/aiconfigurator (or
#   its bare repository). Tables are read at commit
#   095f58a51c4ca8e61b66ec108d86f223f8d559ce, whatever is checked out:
#   aic-core/src/aiconfigurator_core/systems/data/<gpu>/<op>/<framework>/<version>/
#   (h200_sxm/.../sglang/0.5.9 and b200_sxm/.../vllm/0.19.0: each engine's own
#   kernels, timed under CUDA graphs). They
#   are Parquet; tools/calibrate/parquet/ writes them as CSV (Node, with
#   hyparquet from npm, installed there on first use).
set -euo pipefail
cd "$(dirname "$0")/../.."
aic="${1:?usage: aiconfigurator-profile.sh AIC_GIT}"
commit=095f58a51c4ca8e61b66ec108d86f223f8d559ce
data=aic-core/src/aiconfigurator_core/systems/data
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x build/bin/fleetlab ] || make build
[ -d tools/calibrate/parquet/node_modules ] || npm ci --prefix tools/calibrate/parquet --no-audit --no-fund
table() {  # table SYSTEM/FRAMEWORK/VERSION OP FILE: the table at the commit, as CSV under $tmp
  local system="${1%%/*}" rest="${1#*/}" out="$tmp/${1//\//-}-$2-$3.csv"
  git -C "$aic" show "$commit:$data/$system/$2/$rest/$3.parquet" >"$tmp/t.parquet"
  node tools/calibrate/parquet/parquet-csv.mjs "$tmp/t.parquet" "$out"
  printf '%s\n' "$out"
}
h200=h200_sxm/sglang/0.5.9
b200=b200_sxm/vllm/0.19.0
build/bin/fleetlab calibrate --gpu h200 --dtype fp8 --id h200-fp8-sglang --engines sglang \
  --name "H200, FP8 (block-scaled): SGLang 0.5.9's GEMMs, fused MoE, custom all-reduce and MLA decode (NVIDIA aiconfigurator's public kernel database)" \
  --aic-gemm "$(table $h200 gemm gemm_perf)" --aic-moe "$(table $h200 moe moe_perf)" \
  --aic-all-reduce "$(table $h200 comm custom_allreduce_perf)" --aic-mla-decode "$(table $h200 mla generation_mla_perf)" \
  --aic-dtype fp8_block --aic-kv-dtype bfloat16 \
  --source "ai-dynamo/aiconfigurator at $commit: $data/h200_sxm/{gemm/gemm_perf,moe/moe_perf,comm/custom_allreduce_perf,mla/generation_mla_perf}.parquet under sglang/0.5.9 (NVIDIA H200, CUDA-graph timings by aiconfigurator's collector: fp8_block GEMMs and fused MoE calls under balanced routing, SGLang's custom all-reduce captured in graphs, MLA decode over a bf16 cache); tools/calibrate/aiconfigurator-profile.sh" \
  -o data/calibration/h200-fp8-sglang.json
build/bin/fleetlab calibrate --gpu b200 --dtype bf16 --id b200-bf16-vllm --engines vllm-v1 \
  --name "B200, bf16: vLLM 0.19.0's GEMMs, custom all-reduce and FlashInfer attention (NVIDIA aiconfigurator's public kernel database)" \
  --aic-gemm "$(table $b200 gemm gemm_perf)" --aic-dtype bfloat16 --aic-all-reduce "$(table $b200 comm custom_allreduce_perf)" \
  --aic-attention "$(table $b200 attention context_attention_perf)" \
  --aic-attention "$(table $b200 attention generation_attention_perf)" --aic-kv-dtype bfloat16 \
  --source "ai-dynamo/aiconfigurator at $commit: $data/b200_sxm/{gemm/gemm_perf,comm/custom_allreduce_perf,attention/context_attention_perf,attention/generation_attention_perf}.parquet under vllm/0.19.0 (NVIDIA B200, CUDA-graph timings by aiconfigurator's collector: bfloat16 GEMMs, vLLM's custom all-reduce captured in graphs, FlashInfer prefill and decode attention over a bf16 cache, full window); tools/calibrate/aiconfigurator-profile.sh" \
  -o data/calibration/b200-bf16-vllm.json
