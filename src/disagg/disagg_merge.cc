#include "disagg/disagg_merge.h"

#include "fleetlab/llm/token_cost.h"

namespace fleetlab {
namespace {

void AddCounts(const LlmReport& p, LlmReport* out) {
  out->output_tokens += p.output_tokens;
  out->window_output_tokens += p.window_output_tokens;
  out->output_tokens_per_s += p.output_tokens_per_s;
  out->usd_per_hour += p.usd_per_hour;
  out->usd_per_hour_prompt += p.usd_per_hour_prompt;
  out->average_power_w += p.average_power_w;
  out->mean_concurrency += p.mean_concurrency;
  out->mean_running += p.mean_running;
  out->tp_bytes += p.tp_bytes;
  out->tp_comm_s += p.tp_comm_s;
  out->tokens_processed += p.tokens_processed;
  out->recomputed_tokens += p.recomputed_tokens;
  out->recompute_s += p.recompute_s;
  out->preemptions += p.preemptions;
  out->swaps += p.swaps;
  out->failed += p.failed;
  out->rejected += p.rejected;
  out->prefix_hit_tokens += p.prefix_hit_tokens;
  out->prefix_lookup_tokens += p.prefix_lookup_tokens;
}

}  // namespace

LlmReport MergeDisaggregated(const LlmReport& prefill, int prefill_gpus, const LlmReport& decode, int decode_gpus,
                             double window_s) {
  LlmReport out = decode;
  out.ttft_ms = prefill.ttft_ms;
  out.ttft_queue_ms = prefill.ttft_queue_ms;
  out.ttft_parts_ms = prefill.ttft_parts_ms;
  out.ttft_slo_ms = decode.ttft_slo_ms > 0 ? decode.ttft_slo_ms : prefill.ttft_slo_ms;
  out.prompt_tokens_per_s = prefill.prompt_tokens_per_s;
  AddCounts(prefill, &out);
  const double gp = prefill_gpus, gd = decode_gpus, g = gp + gd;
  out.mfu = (prefill.mfu * gp + decode.mfu * gd) / g;
  out.mbu = (prefill.mbu * gp + decode.mbu * gd) / g;
  out.busy_fraction = (prefill.busy_fraction * gp + decode.busy_fraction * gd) / g;
  out.gpus_total = prefill_gpus + decode_gpus;
  DeriveTokenCosts(window_s, &out);
  const double tokens = static_cast<double>(out.window_output_tokens);
  out.joules_per_output_token = tokens > 0 ? out.average_power_w * window_s / tokens : 0;
  // Per concurrent user: a request occupies a decode slot for most of its life.
  if (decode.usd_per_concurrent_user_hour > 0) {
    out.usd_per_concurrent_user_hour = out.usd_per_hour / (decode.usd_per_hour / decode.usd_per_concurrent_user_hour);
  }
  return out;
}

}  // namespace fleetlab
