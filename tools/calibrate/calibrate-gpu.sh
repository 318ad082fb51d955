#!/usr/bin/env bash
# The GPU check, in one command: on a machine with an NVIDIA GPU and PyTorch
# (CUDA), time the kernels (tools/calibrate/gpu_calibrate.py, about a minute
# on an H100; well under 10) and fit a calibration profile from them
# (`fleetlab calibrate`, docs/calibration.md).
#
# Usage: tools/calibrate/calibrate-gpu.sh GPU_ID [ENGINES] [OUT_DIR]
#   GPU_ID   the catalog id of the GPU (h100-sxm, h200, a100-80gb, ...)
#   ENGINES  engine ids whose kernels these are (default vllm-v0,vllm-v0-6,vllm-v1)
#   OUT_DIR  where the kernel timings and the profile go (default calibration-out)
# Then copy OUT_DIR/<GPU_ID>-bf16-measured.json into data/calibration/ (or
# an overlay's calibration/ folder, --data DIR) to use it.
set -euo pipefail
cd "$(dirname "$0")/../.."
gpu="${1:?usage: calibrate-gpu.sh GPU_ID [ENGINES] [OUT_DIR]}"
engines="${2:-vllm-v0,vllm-v0-6,vllm-v1}"
out="${3:-calibration-out}"
mkdir -p "$out"
[ -x build/bin/fleetlab ] || make build
timeout 600 python3 tools/calibrate/gpu_calibrate.py --out "$out/kernels-$gpu.json"
build/bin/fleetlab calibrate --gpu "$gpu" --id "$gpu-bf16-measured" --engines "$engines" \
  --kernels "$out/kernels-$gpu.json" \
  --source "measured by tools/calibrate/gpu_calibrate.py on $(date +%Y-%m-%d)" \
  -o "$out/$gpu-bf16-measured.json"
echo "profile: $out/$gpu-bf16-measured.json"
