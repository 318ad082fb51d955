#include "fleet/llm_merge.h"

#include <algorithm>
#include <cassert>

#include "fleetlab/llm/token_cost.h"

namespace fleetlab {

void AddLlmTotals(const LlmReport& p, LlmReport* out) {
  out->output_tokens += p.output_tokens;
  out->prompt_tokens += p.prompt_tokens;
  out->window_output_tokens += p.window_output_tokens;
  out->output_tokens_per_s += p.output_tokens_per_s;
  out->prompt_tokens_per_s += p.prompt_tokens_per_s;
  out->goodput_rps += p.goodput_rps;
  out->kv_peak_utilization = std::max(out->kv_peak_utilization, p.kv_peak_utilization);
  out->preemptions += p.preemptions;
  out->swaps += p.swaps;
  out->failed += p.failed;
  out->rejected += p.rejected;
  out->prefix_hit_tokens += p.prefix_hit_tokens;
  out->prefix_lookup_tokens += p.prefix_lookup_tokens;
  out->usd_per_hour += p.usd_per_hour;
  out->usd_per_hour_prompt += p.usd_per_hour_prompt;
  out->gpus_total += p.gpus_total;
  out->average_power_w += p.average_power_w;
  out->mean_concurrency += p.mean_concurrency;
  out->mean_running += p.mean_running;
  out->tp_bytes += p.tp_bytes;
  out->tp_comm_s += p.tp_comm_s;
  out->tokens_processed += p.tokens_processed;
  out->recomputed_tokens += p.recomputed_tokens;
  out->recompute_s += p.recompute_s;
  if (p.batch_size_counts.size() > out->batch_size_counts.size()) {
    out->batch_size_counts.resize(p.batch_size_counts.size(), 0);
  }
  for (std::size_t k = 0; k < p.batch_size_counts.size(); ++k) out->batch_size_counts[k] += p.batch_size_counts[k];
}

namespace {

// Adds replica p's share of a mean over replicas (weight 1/n).
void AddMeans(const LlmReport& p, double n, LlmReport* out) {
  out->mfu += p.mfu / n;
  out->mbu += p.mbu / n;
  out->busy_fraction += p.busy_fraction / n;
  out->tp_busy_fraction += p.tp_busy_fraction / n;
  out->kv_mean.stored += p.kv_mean.stored / n;
  out->kv_mean.reserved += p.kv_mean.reserved / n;
  out->kv_mean.internal += p.kv_mean.internal / n;
  out->kv_mean.external += p.kv_mean.external / n;
  out->kv_mean.cached += p.kv_mean.cached / n;
  out->kv_mean.free += p.kv_mean.free / n;
}

// What each replica's mean was taken over, fleet-wide.
struct Weights {
  double completed = 0, first_tokens = 0, output_tokens = 0;
};

// Adds replica p's share of means weighted by what each was taken over.
void AddWeighted(const LlmReport& p, std::uint64_t completed, const Weights& all, LlmReport* out) {
  if (all.completed > 0) out->slo_attainment += p.slo_attainment * static_cast<double>(completed) / all.completed;
  if (all.first_tokens > 0) {
    const double w = static_cast<double>(p.ttft_ms.count) / all.first_tokens;
    out->ttft_queue_ms += w * p.ttft_queue_ms;
    out->ttft_parts_ms.AddScaled(p.ttft_parts_ms, w);
  }
  if (all.output_tokens > 0) {
    out->spec_tokens_per_step += p.spec_tokens_per_step * static_cast<double>(p.output_tokens) / all.output_tokens;
  }
}

// Batch size, cost and energy figures derived from the fleet's totals.
void Derive(const std::vector<LlmReport>& parts, double window_s, LlmReport* out) {
  std::uint64_t iterations = 0, sequences = 0;
  for (std::size_t k = 0; k < out->batch_size_counts.size(); ++k) {
    iterations += out->batch_size_counts[k];
    sequences += k * out->batch_size_counts[k];
  }
  out->mean_batch_size = iterations > 0 ? static_cast<double>(sequences) / static_cast<double>(iterations) : 0;
  double running = 0;
  for (const LlmReport& p : parts) running += RunningUsers(p);
  DeriveCostAndEnergy(window_s, running, out);
}

}  // namespace

LlmReport CombineLlmReports(const std::vector<LlmReport>& parts, const std::vector<std::uint64_t>& completed,
                            const LlmSamples& pooled, double window_s) {
  assert(!parts.empty() && completed.size() == parts.size());
  LlmReport out;
  out.gpus_total = 0;  // summed below
  const LlmReport& first = parts.front();
  out.model = first.model, out.gpu = first.gpu, out.policy = first.policy, out.allocator = first.allocator;
  out.tp = first.tp, out.pp = first.pp, out.gpus = first.gpus, out.memory = first.memory;
  out.weight_gathered = first.weight_gathered;
  out.kv_capacity_tokens = first.kv_capacity_tokens;
  out.ttft_slo_ms = first.ttft_slo_ms, out.tpot_slo_ms = first.tpot_slo_ms;
  out.heatmap = first.heatmap;
  out.queue_series = first.queue_series;
  out.ttft_ms = pooled.ttft_ms.Summarize();
  out.tpot_ms = pooled.tpot_ms.Summarize();
  out.itl_ms = pooled.itl_ms.Summarize();
  Weights all;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    AddLlmTotals(parts[i], &out);
    AddMeans(parts[i], static_cast<double>(parts.size()), &out);
    all.completed += static_cast<double>(completed[i]);
    all.first_tokens += static_cast<double>(parts[i].ttft_ms.count);
  }
  all.output_tokens = static_cast<double>(out.output_tokens);
  for (std::size_t i = 0; i < parts.size(); ++i) AddWeighted(parts[i], completed[i], all, &out);
  Derive(parts, window_s, &out);
  return out;
}

}  // namespace fleetlab
