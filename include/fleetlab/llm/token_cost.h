// Token costs: a system's $/hour per million tokens, all of it charged to
// the output tokens (cost.usd_per_million_output_tokens) and split between
// prompt and output tokens by the GPU time each took (cost.split.*,
// docs/report.md). One place computes them for a replica, a fleet and a
// disaggregated system.
#pragma once

#include "fleetlab/llm/llm_report.h"

namespace fleetlab {

// The part of an iteration's busy time charged to its prompt tokens: the
// time split in proportion to the tokens it computed (prefill and decode).
// REQUIRES: prefill_tokens, decode_tokens >= 0.
double PromptShareOfIteration(std::int64_t prefill_tokens, std::int64_t decode_tokens);

// Fills usd_per_million_output_tokens, usd_per_million_input_tokens and
// usd_per_million_output_tokens_split from usd_per_hour, usd_per_hour_prompt,
// output_tokens (over `window_s`) and prompt_tokens_per_s. A figure with no
// tokens to divide by stays 0.
void DeriveTokenCosts(double window_s, LlmReport* r);

}  // namespace fleetlab
