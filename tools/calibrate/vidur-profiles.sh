#!/usr/bin/env bash
# Regenerates the shipped profiles data/calibration/{h100-sxm,a100-80gb}-bf16-vllm.json
# from Vidur's public kernel profiles and Splitwise's measured prompt phases
# (docs/calibration.md).
# Usage: tools/calibrate/vidur-profiles.sh VIDUR_GIT SPLITWISE_GIT
#   VIDUR_GIT: a git clone of https://github.com/microsoft/vidur (or its
#   bare repository). Files are read from two commits, whatever is checked
#   out: 7d47513363ec447a741ac5e47241580b47724fbf for the linear layers and
#   all-reduces, e2d00e9afba96cec9f0e7ea560bbfc4a539fae6a for the A100
#   attention table (later commits moved it to Git LFS; no H100 attention
#   table is in either).
#   SPLITWISE_GIT: a git clone of https://github.com/Mutinifni/splitwise-sim;
#   data/perf_model.csv at 378088013a54df6f2052c27ff5ae6ea7619c3ecc (Llama-2-70B
#   prompt phases at TP2 fit each profile's matmul ceiling).
set -euo pipefail
cd "$(dirname "$0")/../.."
vidur="${1:?usage: vidur-profiles.sh VIDUR_GIT SPLITWISE_GIT}"
splitwise="${2:?usage: vidur-profiles.sh VIDUR_GIT SPLITWISE_GIT}"
splitwise_commit=378088013a54df6f2052c27ff5ae6ea7619c3ecc
commit=7d47513363ec447a741ac5e47241580b47724fbf
attention_commit=e2d00e9afba96cec9f0e7ea560bbfc4a539fae6a
p=data/profiling
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
[ -x build/bin/fleetlab ] || make build
fetch() {  # fetch COMMIT PATH [GIT]: the file at that commit (of Vidur's clone unless GIT), copied under $tmp
  mkdir -p "$tmp/$1/$(dirname "$2")"
  git -C "${3:-$vidur}" show "$1:$2" >"$tmp/$1/$2"
  printf '%s\n' "$tmp/$1/$2"
}
mlp() { for m in "$@"; do printf -- '--vidur-mlp\n%s\n' "$(fetch $commit "$p/compute/$m/mlp.csv")"; done; }
profile() {  # profile GPU NODE NAME SPLITWISE_HARDWARE ATTENTION_SOURCE MLP_DIRS...
  local gpu="$1" node="$2" name="$3" hardware="$4" attention_source="$5"
  shift 5
  mapfile -t mlps < <(mlp "$@")
  local attention=() kernels="PyTorch GEMMs and NCCL all-reduces"
  local parts="linear layers at TP 1-8 and of NCCL all-reduces within one node"
  if [ -n "$attention_source" ]; then
    attention=(--vidur-attention "$(fetch $attention_commit "$p/a100/attention.csv")")
    kernels="PyTorch GEMMs, NCCL all-reduces and FlashAttention"
    parts="linear layers at TP 1-8, of NCCL all-reduces within one node and of prefill and decode attention"
  fi
  build/bin/fleetlab calibrate --gpu "$gpu" --id "$gpu-bf16-vllm" --engines vllm-v0,vllm-v0-6,vllm-v1,sglang \
    --name "$name, bf16: $kernels as vLLM runs them (Vidur's public profile)" \
    "${mlps[@]}" --vidur-all-reduce "$(fetch $commit "$p/network/$node/all_reduce.csv")" "${attention[@]}" \
    --splitwise "$(fetch $splitwise_commit data/perf_model.csv "$splitwise")" --splitwise-hardware "$hardware" \
    --model llama-2-70b --tp 2 --engine vllm-v0 --ceiling-engines vllm-v0,vllm-v0-6,sglang \
    --source "microsoft/vidur at $commit: data/profiling/compute/<gpu>/<model>/mlp.csv for $* and data/profiling/network/$node/all_reduce.csv$attention_source (median times of bf16 $parts, measured by Vidur's profiler); Mutinifni/splitwise-sim at $splitwise_commit: data/perf_model.csv, llama2-70b on $hardware at TP2, batch-1 prompt phases (Patel et al., Splitwise, ISCA 2024); tools/calibrate/vidur-profiles.sh" \
    -o "data/calibration/$gpu-bf16-vllm.json"
}
profile h100-sxm h100_dgx "H100 SXM" h100-80gb "" h100/meta-llama/Llama-2-70b-hf h100/meta-llama/Llama-2-7b-hf
profile a100-80gb a100_dgx "A100 80GB" a100-80gb "; at $attention_commit: data/profiling/a100/attention.csv (Llama-2-70B shapes at TP2: batch 1-128 decodes over 32-4,032 cached tokens, prefill chunks of 64-4,096 tokens)" \
  a100/meta-llama/Llama-2-70b-hf a100/meta-llama/Llama-2-7b-hf a100/meta-llama/Meta-Llama-3-70B a100/meta-llama/Meta-Llama-3-8B
