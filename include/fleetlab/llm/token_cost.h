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

// The mean running requests a report's cost per user-hour was taken over
// (usd_per_hour / usd_per_concurrent_user_hour), 0 when it has none: how a
// fleet or a disaggregated system counts its replicas' running users.
double RunningUsers(const LlmReport& r);

// Everything a report derives from its totals, in one place for a replica,
// a fleet and a disaggregated system: the token costs (DeriveTokenCosts),
// usd_per_concurrent_user_hour (usd_per_hour over `running_users`, when > 0)
// and joules_per_output_token (average_power_w over the window's output
// tokens, when there are any). REQUIRES: usd_per_hour, usd_per_hour_prompt,
// average_power_w and the token counts and rates already set.
void DeriveCostAndEnergy(double window_s, double running_users, LlmReport* r);

}  // namespace fleetlab
