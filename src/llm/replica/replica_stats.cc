#include "llm/replica/replica_stats.h"

#include <algorithm>

namespace fleetlab {
namespace {

constexpr double kMs = 1e3;

StepBreakdown Scaled(const StepBreakdown& b, double k) {
  StepBreakdown r;
  r.matmul_s = b.matmul_s * k;
  r.weight_memory_s = b.weight_memory_s * k;
  r.attention_s = b.attention_s * k;
  r.kv_memory_s = b.kv_memory_s * k;
  r.tp_comm_s = b.tp_comm_s * k;
  r.ep_comm_s = b.ep_comm_s * k;
  r.pp_comm_s = b.pp_comm_s * k;
  r.bubble_s = b.bubble_s * k;
  r.overhead_s = b.overhead_s * k;
  r.total_s = b.total_s * k;
  return r;
}

template <typename T>
void KeepEvenRows(std::vector<T>& v, std::size_t row) {
  std::size_t out = 0;
  for (std::size_t i = 0; i < v.size() / row; i += 2, ++out) {
    std::copy(v.begin() + static_cast<std::ptrdiff_t>(i * row), v.begin() + static_cast<std::ptrdiff_t>((i + 1) * row),
              v.begin() + static_cast<std::ptrdiff_t>(out * row));
  }
  v.resize(out * row);
}

}  // namespace

void ReplicaStats::Reset(SimTime now) {
  const double ttft_slo = ttft_slo_s_, tpot_slo = tpot_slo_s_;
  const TimeWeightedSet<kLevels> levels = levels_;
  const double capacity = kv_capacity_;
  const SimDuration interval = series_interval_;
  const bool heatmap_on = heatmap_on_, series_on = series_on_;
  const std::uint64_t failed = failed_, rejected = rejected_;  // counted over the whole run, like drops
  *this = ReplicaStats{};
  series_interval_ = interval;
  heatmap_on_ = heatmap_on;
  series_on_ = series_on;
  failed_ = failed;
  rejected_ = rejected;
  ttft_slo_s_ = ttft_slo;
  tpot_slo_s_ = tpot_slo;
  levels_ = levels;
  levels_.Reset(now);
  kv_capacity_ = capacity;
  win_.kv_peak_stored = levels_.value(kStored);
  start_ = next_sample_ = now;
  measuring_ = true;
  heatmap_.cells = kHeatmapCells;
}

void ReplicaStats::Close(SimTime now) {
  if (closed_) return;
  levels_.Freeze(now);
  closed_win_ = win_;
  closed_ = true;
}

void ReplicaStats::OnFirstToken(const Seq& s, SimTime now) {
  if (!s.measured) return;
  const double ttft_s = NsToSeconds(now - s.request.arrival);
  ttft_.Add(ttft_s * kMs);
  ttft_sum_s_ += ttft_s;
  ttft_parts_sum_.Add(s.ttft_parts);
}

void ReplicaStats::OnGaps(double gap_s, std::int64_t count) {
  if (count > 0) itl_.Add(gap_s * kMs, static_cast<std::uint64_t>(count));
}

void ReplicaStats::OnCompleted(const Seq& s, std::int64_t produced, SimTime now) {
  if (now > start_) ++win_.completions;
  if (!s.measured) return;
  ++completed_;
  measured_output_tokens_ += static_cast<std::uint64_t>(std::max<std::int64_t>(0, produced));
  measured_prompt_tokens_ += static_cast<std::uint64_t>(std::max<std::int64_t>(0, s.prompt));
  const double ttft_s = NsToSeconds(s.first_token - s.request.arrival);
  double tpot_s = 0;
  if (s.output > 1) {
    tpot_s = NsToSeconds(s.last_token - s.first_token) / static_cast<double>(s.output - 1);
    tpot_.Add(tpot_s * kMs);
  }
  const bool ttft_ok = ttft_slo_s_ <= 0 || ttft_s <= ttft_slo_s_;
  const bool tpot_ok = tpot_slo_s_ <= 0 || tpot_s <= tpot_slo_s_;
  slo_met_ += ttft_ok && tpot_ok;
}

void ReplicaStats::OnIteration(const StepBreakdown& b, std::int64_t sequences, std::int64_t tokens,
                               double prompt_share) {
  Window& w = win_;
  ++w.iterations;
  w.iteration_tokens += static_cast<double>(tokens);
  w.batch_sequences += static_cast<std::uint64_t>(sequences);
  const auto n = static_cast<std::size_t>(sequences);
  if (n >= w.batch_size_counts.size()) w.batch_size_counts.resize(n + 1, 0);
  ++w.batch_size_counts[n];
  w.flops += b.flops;
  w.hbm_bytes += b.hbm_bytes;
  w.tp_bytes += b.tp_bytes;
  w.tp_comm_s += b.tp_comm_s;
  w.busy_s += b.stage_s;  // each stage is busy stage_s; summed over stages / pp in Fill
  w.prompt_busy_s += b.stage_s * prompt_share;
}

void ReplicaStats::OnState(SimTime now, std::int64_t waiting, std::int64_t running, const KvUsage& u,
                           const KvAllocator& kv) {
  kv_capacity_ = static_cast<double>(u.capacity.value());
  // In Level's order.
  levels_.Set(now, {static_cast<double>(waiting), static_cast<double>(running), static_cast<double>(u.stored.value()),
                    static_cast<double>(u.reserved.value()), static_cast<double>(u.internal.value()),
                    static_cast<double>(u.external.value()), static_cast<double>(u.cached.value()),
                    static_cast<double>(u.free.value())});
  win_.kv_peak_stored = std::max(win_.kv_peak_stored, static_cast<double>(u.stored.value()));
  if (Samples(now)) SampleSeries(now, kv);
}

void ReplicaStats::SampleSeries(SimTime now, const KvAllocator& kv) {
  if (queue_series_.times_s.size() >= kMaxRows) CompactSeries();
  const double t = NsToSeconds(now);
  queue_series_.times_s.push_back(t);
  queue_series_.waiting.push_back(levels_.value(kWaiting));
  queue_series_.running.push_back(levels_.value(kRunning));
  const double cap = kv_capacity_ > 0 ? kv_capacity_ : 1;
  queue_series_.kv.push_back(KvShares{levels_.value(kStored) / cap, levels_.value(kReserved) / cap,
                                      levels_.value(kInternal) / cap, levels_.value(kExternal) / cap,
                                      levels_.value(kCached) / cap, levels_.value(kFree) / cap});
  if (heatmap_on_) {
    heatmap_.times_s.push_back(t);
    for (const KvCell& c : kv.BlockMap(kHeatmapCells)) {
      heatmap_.states.push_back(c.state);
      heatmap_.owners.push_back(c.owner == kNoSeq ? -1 : static_cast<std::int64_t>(c.owner));
    }
  }
  next_sample_ = now + series_interval_;
}

void ReplicaStats::CompactSeries() {
  KeepEvenRows(queue_series_.times_s, 1);
  KeepEvenRows(queue_series_.waiting, 1);
  KeepEvenRows(queue_series_.running, 1);
  KeepEvenRows(queue_series_.kv, 1);
  KeepEvenRows(heatmap_.times_s, 1);
  KeepEvenRows(heatmap_.states, kHeatmapCells);
  KeepEvenRows(heatmap_.owners, kHeatmapCells);
  series_interval_ *= 2;
}

void ReplicaStats::Fill(SimTime end, double window_s, double peak_flops, double peak_bandwidth, LlmReport* out) const {
  const Window& w = window();
  const double per_s = window_s > 0 ? 1 / window_s : 0;
  out->ttft_ms = ttft_.Summarize();
  out->tpot_ms = tpot_.Summarize();
  out->itl_ms = itl_.Summarize();
  out->output_tokens = measured_output_tokens_;
  out->prompt_tokens = measured_prompt_tokens_;
  out->window_output_tokens = w.output_tokens;
  out->output_tokens_per_s = static_cast<double>(w.output_tokens) * per_s;
  out->prompt_tokens_per_s = static_cast<double>(w.prompt_tokens) * per_s;
  out->ttft_slo_ms = ttft_slo_s_ * kMs;
  out->tpot_slo_ms = tpot_slo_s_ * kMs;
  out->slo_attainment = completed_ > 0 ? static_cast<double>(slo_met_) / static_cast<double>(completed_) : 0;
  // Goodput: the window's completions at the measured requests' attainment.
  out->goodput_rps = out->slo_attainment * static_cast<double>(w.completions) * per_s;
  out->busy_fraction = std::min(1.0, w.busy_s * per_s);
  out->preemptions = w.preemptions;
  out->recomputed_tokens = w.recomputed_tokens;
  out->recompute_s = w.recompute_s;
  out->tp_bytes = w.tp_bytes;
  out->tp_comm_s = w.tp_comm_s;
  out->tokens_processed = w.iteration_tokens;
  out->tp_busy_fraction = std::min(1.0, w.tp_comm_s * per_s);
  out->failed = failed_;
  out->rejected = rejected_;
  out->batch_size_counts = w.batch_size_counts;
  out->mean_batch_size =
      w.iterations > 0 ? static_cast<double>(w.batch_sequences) / static_cast<double>(w.iterations) : 0;
  const std::size_t n = ttft_.size();
  if (n > 0) {
    out->ttft_parts_ms = Scaled(ttft_parts_sum_, kMs / static_cast<double>(n));
    out->ttft_queue_ms = (ttft_sum_s_ - ttft_parts_sum_.total_s) * kMs / static_cast<double>(n);
  }
  const double cap = kv_capacity_ > 0 ? kv_capacity_ : 1;
  out->kv_mean = KvShares{levels_.Average(kStored, end) / cap,   levels_.Average(kReserved, end) / cap,
                          levels_.Average(kInternal, end) / cap, levels_.Average(kExternal, end) / cap,
                          levels_.Average(kCached, end) / cap,   levels_.Average(kFree, end) / cap};
  out->kv_peak_utilization = w.kv_peak_stored / cap;
  out->kv_capacity_tokens = static_cast<std::int64_t>(kv_capacity_);
  out->mean_concurrency = levels_.Average(kWaiting, end) + levels_.Average(kRunning, end);
  out->mean_running = levels_.Average(kRunning, end);
  out->heatmap = heatmap_;
  out->queue_series = queue_series_;
  out->mfu = window_s > 0 ? w.flops / (window_s * peak_flops) : 0;
  out->mbu = window_s > 0 ? w.hbm_bytes / (window_s * peak_bandwidth) : 0;
}

}  // namespace fleetlab
