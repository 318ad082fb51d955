// ReplicaStats: everything an LLM replica measures while it runs, turned
// into an LlmReport at the end. Only what happens inside the measurement
// window counts (Reset starts it); latencies only of measured requests.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "fleetlab/llm/kv_cache.h"
#include "fleetlab/llm/llm_report.h"
#include "fleetlab/llm/perf_model.h"
#include "fleetlab/metrics/log_histogram.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/time.h"
#include "llm/scheduler/sequence.h"
#include "fleetlab/util/time_weighted.h"

namespace fleetlab {

class ReplicaStats {
 public:
  // Objectives for goodput and attainment (0: none).
  void SetSlo(double ttft_s, double tpot_s) {
    ttft_slo_s_ = ttft_s;
    tpot_slo_s_ = tpot_s;
  }
  // Starts the measurement window at `now`.
  void Reset(SimTime now);
  // Ends the window's rates and time averages at `now` (the run's last
  // arrival): tokens, iterations, preemptions and occupancy after it (the
  // drain) no longer count, while measured requests' latencies still do.
  void Close(SimTime now);
  // The expected length of the window, if known: the series are then
  // sampled about kMaxRows times over it (the interval still doubles if the
  // run goes on longer), keeping the cost of block-map snapshots bounded.
  // Whether the series include the KV block map (the heatmap); off by
  // default: on a large cache the map is most of a snapshot's cost.
  void SetHeatmap(bool on) { heatmap_on_ = on; }
  // The bytes every iteration touches first (Simulator::SetHotMemory).
  std::span<const std::byte> HotMemory() const {
    const auto* first = reinterpret_cast<const std::byte*>(&win_);
    return {first, static_cast<std::size_t>(reinterpret_cast<const std::byte*>(&closed_win_) - first)};
  }
  // Whether the queue and KV series are sampled at all (on by default).
  void SetSeries(bool on) { series_on_ = on; }
  void SetHorizon(SimDuration expected) {
    if (expected > 0) series_interval_ = std::max<SimDuration>(kNsPerMs, expected / static_cast<SimDuration>(kMaxRows));
  }

  // A request's first token / a later gap between tokens / its completion.
  void OnFirstToken(const Seq& s, SimTime now);
  // `count` gaps of `gap_s` between the tokens of measured requests.
  void OnGaps(double gap_s, std::int64_t count);
  // A request completed here at `now`, having produced `produced` of its
  // output tokens on this replica (a decode replica's first token came with
  // it). The window counts completions in (start, close]: one at the very
  // instant the window opened belongs to the warm-up.
  void OnCompleted(const Seq& s, std::int64_t produced, SimTime now);
  void OnOutputTokens(std::int64_t n) { win_.output_tokens += static_cast<std::uint64_t>(n); }
  void OnPromptTokens(std::int64_t n) { win_.prompt_tokens += static_cast<std::uint64_t>(n); }

  // An iteration launched with `sequences` sequences processing `tokens`
  // tokens (prefill and decode) and breakdown `b`; `prompt_share` of its
  // time is charged to prompt tokens (token_cost.h).
  void OnIteration(const StepBreakdown& b, std::int64_t sequences, std::int64_t tokens, double prompt_share);
  // The share of the busy time charged to prompt tokens (0 when idle).
  double PromptBusyShare() const { return window().busy_s > 0 ? window().prompt_busy_s / window().busy_s : 0.0; }
  // The replica's state after any change: requests waiting and running, and
  // its KV cache (read for the categories and, now and then, the block map).
  // The replica's state changed at `now`: its queue, its KV usage `u`, and
  // the allocator whose block map a series sample draws (told every
  // sequence's true length first when SamplesBlockMap(now)).
  void OnState(SimTime now, std::int64_t waiting, std::int64_t running, const KvUsage& u, const KvAllocator& kv);
  bool SamplesBlockMap(SimTime now) const { return heatmap_on_ && Samples(now); }

  // A preemption; `recompute_tokens` > 0 when the KV was dropped (not
  // swapped) and costs a lone prefill of `recompute_s` to rebuild.
  void OnPreemption(std::int64_t recompute_tokens = 0, double recompute_s = 0) {
    ++win_.preemptions;
    win_.recomputed_tokens += static_cast<std::uint64_t>(std::max<std::int64_t>(0, recompute_tokens));
    win_.recompute_s += recompute_s;
  }
  void OnFailed() { ++failed_; }
  void OnRejected() { ++rejected_; }

  // Fills the latency, throughput, utilisation, KV and series parts of
  // `out` for a window of `window_s` ending at `end`. `peak_flops` and
  // `peak_bandwidth` are the replica's totals over all its GPUs.
  void Fill(SimTime end, double window_s, double peak_flops, double peak_bandwidth, LlmReport* out) const;
  // Appends the raw TTFT, TPOT and inter-token observations to `out`.
  void AppendSamples(LlmSamples* out) const {
    out->ttft_ms.Append(ttft_);
    out->tpot_ms.Append(tpot_);
    out->itl_ms.Merge(itl_);
  }

  static constexpr int kHeatmapCells = 256;
  static constexpr std::size_t kMaxRows = 200;

 private:
  void SampleSeries(SimTime now, const KvAllocator& kv);
  void CompactSeries();

  // What the window's rates and counts are made of; frozen at Close.
  struct Window {
    std::uint64_t output_tokens = 0, prompt_tokens = 0;  // every request's, warm-up included
    std::uint64_t completions = 0;                       // every request's
    double flops = 0, hbm_bytes = 0, busy_s = 0, prompt_busy_s = 0;
    std::uint64_t iterations = 0, batch_sequences = 0;
    std::vector<std::uint64_t> batch_size_counts;
    std::uint64_t preemptions = 0, recomputed_tokens = 0;
    double recompute_s = 0, tp_bytes = 0, tp_comm_s = 0, iteration_tokens = 0;
    double kv_peak_stored = 0;
  };
  const Window& window() const { return closed_ ? closed_win_ : win_; }

  // What every iteration touches first, together (a large fleet's replicas
  // do not all stay in cache): the window, the gap sketch, the state's time
  // averages and when the series are sampled next.
  Window win_;
  LogHistogram itl_;
  // Waiting, running and the KV categories (Level), changed together.
  enum Level : std::size_t { kWaiting, kRunning, kStored, kReserved, kInternal, kExternal, kCached, kFree, kLevels };
  TimeWeightedSet<kLevels> levels_;
  double kv_capacity_ = 0;
  // Series sampled every series_interval_, which doubles (dropping every
  // other row) whenever kMaxRows rows are full: bounded and evenly spaced.
  SimTime series_interval_ = 10 * kNsPerMs;
  SimTime next_sample_ = 0;
  SimTime start_ = 0;
  bool measuring_ = false;  // series are sampled only inside the window
  bool heatmap_on_ = false;
  bool series_on_ = true;
  bool closed_ = false;  // closed_win_ holds the window
  bool Samples(SimTime now) const { return series_on_ && measuring_ && now >= next_sample_; }
  Window closed_win_;
  // Measured requests (per-request figures: whenever they finish).
  SampleSet ttft_, tpot_;
  std::uint64_t completed_ = 0, slo_met_ = 0, measured_output_tokens_ = 0, measured_prompt_tokens_ = 0;
  double ttft_slo_s_ = 0, tpot_slo_s_ = 0;
  StepBreakdown ttft_parts_sum_;
  double ttft_sum_s_ = 0;
  std::uint64_t failed_ = 0, rejected_ = 0;
  KvHeatmap heatmap_;
  QueueSeries queue_series_;
};

}  // namespace fleetlab
