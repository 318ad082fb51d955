#!/usr/bin/env bash
# Regenerates the shipped profile data/calibration/h200-fp8-sglang.json from
# NVIDIA's public aiconfigurator kernel database (docs/calibration.md,
# "H200, FP8, SGLang").
# Usage: tools/calibrate/aiconfigurator-profile.sh AIC_GIT
#   AIC_GIT: a git clone of https://github.com/ai-dynamo/aiconfigurator (or
#   its bare repository). Tables are read at commit
#   095f58a51c4ca8e61b66ec108d86f223f8d559ce, whatever is checked out:
#   aic-core/src/aiconfigurator_core/systems/data/h200_sxm/<op>/sglang/0.5.9/
#   (SGLang 0.5.9's own kernels on one H200, timed under CUDA graphs). They
#   are Parquet; tools/calibrate/parquet/ writes them as CSV (Node, with
#   hyparquet from npm, installed there on first use).
set -euo pipefail
cd "$(dirname "$0")/../.."
aic="${1:?usage: aiconfigurator-profile.sh AIC_GIT}"
commit=095f58a51c4ca8e61b66ec108d86f223f8d559ce
dir=aic-core/src/aiconfigurator_core/systems/data/h200_sxm
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x build/bin/fleetlab ] || make build
[ -d tools/calibrate/parquet/node_modules ] || npm ci --prefix tools/calibrate/parquet --no-audit --no-fund
table() {  # table OP FILE: the table at the commit, as CSV under $tmp
  local out="$tmp/$1-$2.csv"
  git -C "$aic" show "$commit:$dir/$1/sglang/0.5.9/$2.parquet" >"$tmp/t.parquet"
  node tools/calibrate/parquet/parquet-csv.mjs "$tmp/t.parquet" "$out"
  printf '%s\n' "$out"
}
build/bin/fleetlab calibrate --gpu h200 --dtype fp8 --id h200-fp8-sglang --engines sglang \
  --name "H200, FP8 (block-scaled): SGLang 0.5.9's GEMMs, fused MoE, custom all-reduce and MLA decode (NVIDIA aiconfigurator's public kernel database)" \
  --aic-gemm "$(table gemm gemm_perf)" --aic-moe "$(table moe moe_perf)" \
  --aic-all-reduce "$(table comm custom_allreduce_perf)" --aic-mla-decode "$(table mla generation_mla_perf)" \
  --aic-dtype fp8_block --aic-kv-dtype bfloat16 \
  --source "ai-dynamo/aiconfigurator at $commit: $dir/{gemm/gemm_perf,moe/moe_perf,comm/custom_allreduce_perf,mla/generation_mla_perf}.parquet under sglang/0.5.9 (NVIDIA H200, CUDA-graph timings by aiconfigurator's collector: fp8_block GEMMs and fused MoE calls under balanced routing, SGLang's custom all-reduce captured in graphs, MLA decode over a bf16 cache); tools/calibrate/aiconfigurator-profile.sh" \
  -o data/calibration/h200-fp8-sglang.json
