#include "runner/stability.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace fleetlab {

void BacklogHistory::Arrive(SimTime t, double area) {
  while (n_ % stride_ == 0 && times_.size() >= kMaxCheckpoints) Compact();
  if (n_ % stride_ == 0) {
    times_.push_back(t);
    areas_.push_back(area);
  }
  const std::size_t r = n_ / stride_;
  if (r >= runs_.size()) runs_.resize(r + 1);
  runs_[r].arrival_sum_s += NsToSeconds(t);
  ++n_;
}

void BacklogHistory::Left(std::uint64_t index, double sojourn_s, double wait_s) {
  if (index >= n_) return;
  assert(0 <= wait_s && wait_s <= sojourn_s);
  Run& run = runs_[index / stride_];
  run.sojourn_sum_s += sojourn_s;
  run.wait_sum_s += wait_s;
  ++run.left;
}

// Keeps every other checkpoint and merges neighbouring runs: stride doubles.
void BacklogHistory::Compact() {
  std::size_t k = 0;
  for (std::size_t c = 0; c < times_.size(); c += 2, ++k) {
    times_[k] = times_[c];
    areas_[k] = areas_[c];
  }
  times_.resize(k);
  areas_.resize(k);
  std::size_t j = 0;
  for (std::size_t r = 0; r < runs_.size(); r += 2, ++j) {
    Run merged = runs_[r];
    if (r + 1 < runs_.size()) {
      merged.arrival_sum_s += runs_[r + 1].arrival_sum_s;
      merged.sojourn_sum_s += runs_[r + 1].sojourn_sum_s;
      merged.wait_sum_s += runs_[r + 1].wait_sum_s;
      merged.left += runs_[r + 1].left;
    }
    runs_[j] = merged;
  }
  runs_.resize(j);
  stride_ *= 2;
}

void BacklogHistory::Close(SimTime end, double end_area, double end_in_system) {
  end_ = end;
  end_area_ = end_area;
  end_in_system_ = end_in_system;
}

std::uint64_t BacklogHistory::RunSize(std::size_t r) const {
  return std::min<std::uint64_t>(stride_, n_ - r * stride_);
}

void BacklogHistory::Finish(SimTime end) {
  // A request's time so far is end - arrival; the runs know the sum of
  // their arrivals, and the sojourns (so the arrivals) of those that left.
  const double end_s = NsToSeconds(end);
  for (std::size_t r = 0; r < runs_.size(); ++r) {
    Run& run = runs_[r];
    const std::uint64_t open = RunSize(r) - std::min(run.left, RunSize(r));
    if (open == 0) continue;
    // Sum of open arrivals = all arrivals - those of the ones that left,
    // which is unknown per request: spread the open ones at the run's mean
    // arrival (exact when stride is 1).
    const double mean_arrival_s = run.arrival_sum_s / static_cast<double>(RunSize(r));
    run.sojourn_sum_s += static_cast<double>(open) * (end_s - mean_arrival_s);
    run.wait_sum_s += static_cast<double>(open) * (end_s - mean_arrival_s);
    run.left += open;
  }
}

double BacklogHistory::MeanSojournBefore(std::size_t c) const {
  double sum = 0;
  std::uint64_t left = 0;
  for (std::size_t r = 0; r < std::min(c, runs_.size()); ++r) {
    sum += runs_[r].sojourn_sum_s;
    left += runs_[r].left;
  }
  return left > 0 ? sum / static_cast<double>(left) : 0.0;
}

double BacklogHistory::MeanWaitBetween(std::size_t c0, std::size_t c1) const {
  double sum = 0;
  std::uint64_t left = 0;
  for (std::size_t r = c0; r < std::min(c1, runs_.size()); ++r) {
    sum += runs_[r].wait_sum_s;
    left += runs_[r].left;
  }
  return left > 0 ? sum / static_cast<double>(left) : 0.0;
}

namespace {

constexpr std::uint64_t kMinArrivals = 40;  // fewer: no trend can be told from noise

}  // namespace

TrendVerdict JudgeTrend(const BacklogHistory& h, bool credit_filling) {
  TrendVerdict v;
  const std::uint64_t n = h.arrivals();
  if (n < kMinArrivals || h.checkpoints() == 0 || h.end() <= h.time(0)) return v;
  // Quarter q starts at checkpoint c[q] (arrival c[q] x stride); c[4] is the end.
  std::size_t c[5];
  std::uint64_t first[5];
  for (int q = 0; q < 4; ++q) {
    const double at = static_cast<double>(n) * q / 4 / static_cast<double>(h.stride());
    c[q] = std::min(h.checkpoints() - 1, static_cast<std::size_t>(std::llround(at)));
    first[q] = c[q] * h.stride();
  }
  first[4] = n;
  const auto time_at = [&](int q) { return q < 4 ? h.time(c[q]) : h.end(); };
  const auto area_at = [&](int q) { return q < 4 ? h.area(c[q]) : h.end_area(); };
  for (int q = 0; q < 4; ++q) {
    const double span_s = NsToSeconds(time_at(q + 1) - time_at(q));
    if (span_s <= 0 || first[q + 1] <= first[q]) return v;  // a burst of simultaneous arrivals: no time to average over
    v.l[q] = (area_at(q + 1) - area_at(q)) / 1e9 / span_s;
    v.lambda[q] = static_cast<double>(first[q + 1] - first[q]) / span_s;
    v.w_s[q] = v.l[q] / v.lambda[q];
    v.wait_s[q] = h.MeanWaitBetween(c[q], q < 3 ? c[q + 1] : h.checkpoints());
  }
  const double window_s = NsToSeconds(h.end() - h.time(0));
  const double lambda = static_cast<double>(n) / window_s;
  v.fill_w_s = h.MeanSojournBefore(c[1]);
  const double q1_s = NsToSeconds(time_at(1) - h.time(0));
  const double filling = credit_filling ? lambda * std::max(0.0, v.fill_w_s - q1_s) : 0.0;
  const double noise = 3 * std::sqrt(static_cast<double>(n) / 2) + 20;
  v.growth = lambda * (v.w_s[3] - v.w_s[1]);
  v.wait_growth = lambda * (v.wait_s[3] - v.wait_s[1]);
  v.threshold = std::max(noise, filling);
  v.judged = true;
  const bool queueing = !credit_filling || v.wait_growth > noise;
  v.growing = v.growth > v.threshold && v.w_s[3] - v.w_s[1] > 0.01 * window_s && queueing;
  return v;
}

}  // namespace fleetlab
