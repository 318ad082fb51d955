// LlmReport: what an LLM replica run measured beyond the engine's Report.
// Rendered into the report JSON under stable names (docs/report.md).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetlab/llm/kv_cache.h"
#include "fleetlab/llm/memory_plan.h"
#include "fleetlab/llm/perf_model.h"
#include "fleetlab/metrics/log_histogram.h"
#include "fleetlab/metrics/sample_set.h"

namespace fleetlab {

// Time-averaged shares of the KV capacity, by the vLLM paper's categories.
struct KvShares {
  double stored = 0, reserved = 0, internal = 0, external = 0, cached = 0, free = 0;
};

// The KV block map over time, downsampled: times.size() rows of `cells`
// cells each (row-major), for the lab's heatmap.
struct KvHeatmap {
  int cells = 0;
  std::vector<double> times_s;
  std::vector<CellState> states;  // times_s.size() * cells
  std::vector<std::int64_t> owners;  // request id, or -1
};

// Waiting and running requests, and the KV categories (shares of the
// capacity), over time, downsampled.
struct QueueSeries {
  std::vector<double> times_s;
  std::vector<double> waiting, running;
  std::vector<KvShares> kv;
};

struct LlmReport {
  std::string model, gpu, policy, allocator;
  int tp = 1, pp = 1, gpus = 1;
  MemoryPlan memory;

  Summary ttft_ms, tpot_ms;
  Summary itl_ms;  // every inter-token gap, sketched (0.5% relative error)
  // Rates over the arrival window: tokens every request (warm-up included)
  // produced or prefilled while arrivals lasted, per second.
  double output_tokens_per_s = 0, prompt_tokens_per_s = 0;
  std::uint64_t output_tokens = 0;         // of measured completed requests (a per-request figure)
  std::uint64_t prompt_tokens = 0;         // their prompts, cached prefixes included (vLLM's total_input_tokens)
  std::uint64_t window_output_tokens = 0;  // produced in the arrival window (the rates' numerator)

  double ttft_slo_ms = 0, tpot_slo_ms = 0;  // 0 = no objective
  double slo_attainment = 0;  // fraction of measured completed requests meeting both
  double goodput_rps = 0;     // of those, per second

  double mfu = 0;  // model FLOPs / (window x GPUs x peak)
  double mbu = 0;  // HBM bytes / (window x GPUs x bandwidth)
  double busy_fraction = 0;  // fraction of the window some iteration ran

  KvShares kv_mean;
  double kv_peak_utilization = 0;  // peak stored tokens / capacity
  std::int64_t kv_capacity_tokens = 0;
  KvHeatmap heatmap;
  QueueSeries queue_series;

  std::uint64_t preemptions = 0, swaps = 0;  // inside the measurement window
  // Over the whole run, warm-up included (both are also in requests.dropped):
  std::uint64_t failed = 0;    // failed past their preemption budget, or stuck with every peer pinned
  std::uint64_t rejected = 0;  // longer than max_model_len, or than the whole KV cache (a contiguous one: its reservation)
  std::uint64_t prefix_hit_tokens = 0, prefix_lookup_tokens = 0;

  std::vector<std::uint64_t> batch_size_counts;  // iterations by batch size (sequences), index = size
  double mean_batch_size = 0;                     // sequences per iteration

  // Mean TTFT split into parts that add up to it: queueing plus the
  // iterations the request's prefill took part in.
  double ttft_queue_ms = 0;
  StepBreakdown ttft_parts_ms;  // in milliseconds

  // GPUs billed: the replica's, summed over a fleet's replicas and over
  // both pools of a disaggregated system.
  int gpus_total = 1;
  double usd_per_hour = 0;
  double usd_per_million_output_tokens = 0;  // all of usd_per_hour charged to output tokens
  // The split by work: each replica's $/hour divided between prompt and
  // output tokens in proportion to its busy GPU time on each (an
  // iteration's time split by its prompt and output token counts). Summed
  // over replicas; the per-million figures divide each part by the tokens.
  double usd_per_hour_prompt = 0;  // the part of usd_per_hour charged to prompt tokens
  double usd_per_million_input_tokens = 0, usd_per_million_output_tokens_split = 0;
  double usd_per_concurrent_user_hour = 0;  // per mean running request
  double average_power_w = 0;
  double joules_per_output_token = 0;

  double mean_concurrency = 0;  // time-averaged requests in the replica
  double mean_running = 0;      // time-averaged requests running (holding KV): the users served at once
  bool weight_gathered = false;  // the TP layout: all-gathered weights (true) or all-reduced activations

  // Tensor-parallel link, inside the window: bytes each rank sent, the time
  // spent communicating (summed over iterations) and the tokens the
  // iterations processed (prefill, recomputed prefill and decode tokens).
  double tp_bytes = 0, tp_comm_s = 0, tokens_processed = 0;
  double tp_busy_fraction = 0;  // tp_comm_s / window: how busy the TP link is

  // Preemptions by recomputation, inside the window: the tokens whose KV was
  // dropped and must be prefilled again, and that prefill's time alone on
  // the replica (an estimate: each recomputation as a lone prefill).
  std::uint64_t recomputed_tokens = 0;
  double recompute_s = 0;
  double spec_tokens_per_step = 0;  // speculative: tokens produced per target step per sequence
};

// The raw latency observations behind an LlmReport's summaries (measured
// requests, inside the window), so that several replicas — a fleet — can be
// summarised together rather than averaged percentile by percentile.
struct LlmSamples {
  SampleSet ttft_ms, tpot_ms;
  LogHistogram itl_ms;
};

}  // namespace fleetlab
