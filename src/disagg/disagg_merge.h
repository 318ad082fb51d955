// The LLM figures of a disaggregated system as a whole, from its two pools'
// reports: what a user sees (TTFT made by the prefill pool, TPOT and
// inter-token gaps by the decode pool) and what the fleet costs (both).
#pragma once

#include "fleetlab/llm/llm_report.h"

namespace fleetlab {

// `prefill` and `decode` are the pools' combined reports for the common
// window of `window_s`; `*_gpus` each pool's GPUs in all (> 0). From the prefill pool: TTFT, its waterfall and
// prompt throughput. From the decode pool: TPOT, inter-token gaps, SLO
// attainment and goodput (a decode replica checks both objectives: it knows
// each request's real first-token time), KV figures, and the descriptive
// fields (model, GPU, sharding, memory plan, series). Summed: output
// tokens (the prefill pool makes each request's first), GPUs, cost, power,
// concurrency, preemptions, swaps, failures, rejections and prefix-cache
// counts. MFU, MBU and busy fraction: means weighted by each pool's GPUs.
LlmReport MergeDisaggregated(const LlmReport& prefill, int prefill_gpus, const LlmReport& decode, int decode_gpus,
                             double window_s);

}  // namespace fleetlab
