#include "fleetlab/llm/token_cost.h"

namespace fleetlab {

double PromptShareOfIteration(std::int64_t prefill_tokens, std::int64_t decode_tokens) {
  const double all = static_cast<double>(prefill_tokens + decode_tokens);
  return all > 0 ? static_cast<double>(prefill_tokens) / all : 0.0;
}

void DeriveTokenCosts(double window_s, LlmReport* r) {
  constexpr double kPerMillionPerHour = 1e6 / 3600;
  const double tokens = static_cast<double>(r->window_output_tokens);
  if (tokens > 0 && window_s > 0) r->usd_per_million_output_tokens = r->usd_per_hour * window_s / 3600 / tokens * 1e6;
  if (r->prompt_tokens_per_s > 0) {
    r->usd_per_million_input_tokens = r->usd_per_hour_prompt / r->prompt_tokens_per_s * kPerMillionPerHour;
  }
  if (r->output_tokens_per_s > 0) {
    r->usd_per_million_output_tokens_split =
        (r->usd_per_hour - r->usd_per_hour_prompt) / r->output_tokens_per_s * kPerMillionPerHour;
  }
}

double RunningUsers(const LlmReport& r) {
  return r.usd_per_concurrent_user_hour > 0 ? r.usd_per_hour / r.usd_per_concurrent_user_hour : 0.0;
}

void DeriveCostAndEnergy(double window_s, double running_users, LlmReport* r) {
  DeriveTokenCosts(window_s, r);
  if (running_users > 0) r->usd_per_concurrent_user_hour = r->usd_per_hour / running_users;
  const double tokens = static_cast<double>(r->window_output_tokens);
  if (tokens > 0) r->joules_per_output_token = r->average_power_w * window_s / tokens;
}

}  // namespace fleetlab
