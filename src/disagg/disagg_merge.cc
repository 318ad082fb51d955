#include "disagg/disagg_merge.h"

#include "fleet/llm_merge.h"
#include "fleetlab/llm/token_cost.h"

namespace fleetlab {

LlmReport MergeDisaggregated(const LlmReport& prefill, int prefill_gpus, const LlmReport& decode, int decode_gpus,
                             double window_s) {
  LlmReport out = decode;
  AddLlmTotals(prefill, &out);
  // What one pool alone makes, not a sum: prompt throughput is the prefill
  // pool's; goodput, the KV peak and the batch sizes are the decode pool's.
  out.prompt_tokens_per_s = prefill.prompt_tokens_per_s;
  out.prompt_tokens = decode.prompt_tokens;  // each request's prompt once (both pools complete it)
  out.goodput_rps = decode.goodput_rps;
  out.kv_peak_utilization = decode.kv_peak_utilization;
  out.batch_size_counts = decode.batch_size_counts;
  out.gpus_total = prefill_gpus + decode_gpus;
  out.ttft_ms = prefill.ttft_ms;
  out.ttft_queue_ms = prefill.ttft_queue_ms;
  out.ttft_parts_ms = prefill.ttft_parts_ms;
  out.ttft_slo_ms = decode.ttft_slo_ms > 0 ? decode.ttft_slo_ms : prefill.ttft_slo_ms;
  const double gp = prefill_gpus, gd = decode_gpus, g = gp + gd;
  out.mfu = (prefill.mfu * gp + decode.mfu * gd) / g;
  out.mbu = (prefill.mbu * gp + decode.mbu * gd) / g;
  out.busy_fraction = (prefill.busy_fraction * gp + decode.busy_fraction * gd) / g;
  // Per concurrent user: a request occupies a decode slot for most of its life.
  DeriveCostAndEnergy(window_s, RunningUsers(decode), &out);
  return out;
}

}  // namespace fleetlab
