#!/usr/bin/env bash
# Regenerates the shipped profiles data/calibration/{h100-sxm,a100-80gb}-bf16-vllm.json
# from Vidur's public kernel profiles (docs/calibration.md).
# Usage: tools/calibrate/vidur-profiles.sh VIDUR_CHECKOUT
#   VIDUR_CHECKOUT: git clone https://github.com/microsoft/vidur, at commit
#   7d47513363ec447a741ac5e47241580b47724fbf (the one the shipped files cite)
set -euo pipefail
cd "$(dirname "$0")/../.."
vidur="${1:?usage: vidur-profiles.sh VIDUR_CHECKOUT}"
commit=7d47513363ec447a741ac5e47241580b47724fbf
p="$vidur/data/profiling"
[ -x build/bin/fleetlab ] || make build
mlp() { for m in "$@"; do printf -- '--vidur-mlp\n%s\n' "$p/compute/$m/mlp.csv"; done; }
profile() {  # profile GPU NODE NAME MLP_DIRS...
  local gpu="$1" node="$2" name="$3"
  shift 3
  mapfile -t mlps < <(mlp "$@")
  build/bin/fleetlab calibrate --gpu "$gpu" --id "$gpu-bf16-vllm" --engines vllm-v0,vllm-v0-6,vllm-v1 \
    --name "$name, bf16: PyTorch GEMMs and NCCL all-reduces as vLLM runs them (Vidur's public profile)" \
    "${mlps[@]}" --vidur-all-reduce "$p/network/$node/all_reduce.csv" \
    --source "microsoft/vidur at $commit: data/profiling/compute/<gpu>/<model>/mlp.csv for $* and data/profiling/network/$node/all_reduce.csv (median times of bf16 linear layers at TP 1-8 and of NCCL all-reduces within one node, measured by Vidur's profiler; tools/calibrate/vidur-profiles.sh)" \
    -o "data/calibration/$gpu-bf16-vllm.json"
}
profile h100-sxm h100_dgx "H100 SXM" h100/meta-llama/Llama-2-70b-hf h100/meta-llama/Llama-2-7b-hf
profile a100-80gb a100_dgx "A100 80GB" a100/meta-llama/Llama-2-70b-hf a100/meta-llama/Llama-2-7b-hf \
  a100/meta-llama/Meta-Llama-3-70B a100/meta-llama/Meta-Llama-3-8B
