#!/usr/bin/env bash
# Regenerates data/validation/sharegpt-first-turns.csv: the prompt and reply
# lengths of ShareGPT conversations' first turns, filtered as vLLM's
# benchmark_serving.py samples ShareGPT (docs/accuracy.md, "Lengths").
# Usage: tools/validation/sharegpt-first-turns.sh SARATHI_SERVE_CHECKOUT
#   SARATHI_SERVE_CHECKOUT: git clone https://github.com/microsoft/sarathi-serve,
#   with commit 72339db5b120614033b317880ad3a05a5e4c9415 (the one the shipped
#   file cites; its data/processed_traces/ holds the trace).
#
# The trace has one row per conversation turn (Llama-2 tokenizer): the
# prefill is the whole history so far, so a turn continues the previous row's
# conversation when its prefill is at least that row's prefill + decode, and a
# smaller prefill starts a new conversation. A first turn's prefill is the
# user's first prompt and its decode the first reply: what vLLM's benchmark
# takes from each conversation. vLLM's filters then apply: both lengths >= 4,
# prompt <= 1024, prompt + reply <= 2048.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="${1:?usage: sharegpt-first-turns.sh SARATHI_SERVE_CHECKOUT}"
commit=72339db5b120614033b317880ad3a05a5e4c9415
trace=data/processed_traces/sharegpt_8k_filtered_stats_llama2_tokenizer.csv
git -C "$repo" show "$commit:$trace" | awk -F, '
  NR == 1 { print "arrival_s,prompt_tokens,output_tokens"; next }
  {
    p = $1 + 0; d = $2 + 0
    first = (NR == 2 || p < total)
    total = p + d
    if (first && p >= 4 && d >= 4 && p <= 1024 && p + d <= 2048) print "0," p "," d
  }' > data/validation/sharegpt-first-turns.csv
echo "$(($(wc -l < data/validation/sharegpt-first-turns.csv) - 1)) first turns written"
