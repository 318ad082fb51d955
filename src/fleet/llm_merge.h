// Combining the LLM reports of a fleet's replicas into the fleet's own:
// latency statistics from the pooled observations (not averages of
// percentiles), totals summed, shares and utilisations averaged.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/llm/llm_report.h"

namespace fleetlab {

// Adds `part`'s totals to `*out`: tokens, token rates, goodput, cost, GPUs,
// power, concurrency, TP traffic, work and recomputation, preemptions,
// swaps, failures, rejections, prefix-cache counts and the batch-size
// histogram; the KV peak becomes the higher of the two. The one summer of
// LLM reports (fleets here, disaggregated pools in disagg/disagg_merge.cc).
void AddLlmTotals(const LlmReport& part, LlmReport* out);

// `parts[i]` is replica i's report for the common window of `window_s`,
// `completed[i]` its measured completions, and `pooled` every replica's raw
// samples together. The descriptive fields (model, GPU, sharding, memory
// plan, KV capacity, SLOs) and the time series come from replica 0: they
// describe one replica. Cost, power, tokens, concurrency and counts are
// fleet totals; KV shares, MFU, MBU and busy fraction are means over
// replicas; the KV peak is the highest replica's; SLO attainment, the TTFT
// waterfall and speculative tokens per step are means weighted by
// completions, first tokens and output tokens.
// REQUIRES: !parts.empty(); completed.size() == parts.size().
LlmReport CombineLlmReports(const std::vector<LlmReport>& parts, const std::vector<std::uint64_t>& completed,
                            const LlmSamples& pooled, double window_s);

}  // namespace fleetlab
