#include "fleetlab/metrics/sample_set.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <numeric>

namespace fleetlab {

namespace {

// The type-7 q-quantile of values, selecting only within [from, end): every
// element before `from` must be <= every element from it on. Returns the
// index of the lower order statistic, which later (larger) quantiles may
// use as their `from`.
double QuantileFrom(std::vector<double>& values, double q, std::size_t* from) {
  const double h = (static_cast<double>(values.size()) - 1) * q;
  const auto lo = static_cast<std::size_t>(std::floor(h));
  assert(lo >= *from);
  std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(*from),
                   values.begin() + static_cast<std::ptrdiff_t>(lo), values.end());
  *from = lo;
  const double x_lo = values[lo];
  if (lo + 1 >= values.size() || h == static_cast<double>(lo)) return x_lo;
  const double x_hi = *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(lo) + 1, values.end());
  return x_lo + (h - static_cast<double>(lo)) * (x_hi - x_lo);
}

}  // namespace

double QuantileInPlace(std::vector<double>& values, double q) {
  assert(!values.empty() && q >= 0 && q <= 1);
  std::size_t from = 0;
  return QuantileFrom(values, q, &from);
}

double StudentT975(int dof) {
  assert(dof >= 1);
  static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (dof <= 30) return kTable[dof - 1];
  return 1.959964 + 2.4 / dof;  // close to the exact value beyond 30 degrees of freedom
}

namespace {

// Half-width of the 95% interval of the K per-batch values.
double HalfWidth(const std::vector<double>& per_batch) {
  const double k = static_cast<double>(per_batch.size());
  const double mean = std::accumulate(per_batch.begin(), per_batch.end(), 0.0) / k;
  double ss = 0;
  for (double v : per_batch) ss += (v - mean) * (v - mean);
  return StudentT975(static_cast<int>(k) - 1) * std::sqrt(ss / (k - 1) / k);
}

void BatchIntervals(const std::vector<double>& samples, int batches, Summary* out) {
  const std::size_t per = samples.size() / static_cast<std::size_t>(batches);
  if (per < 10) return;
  std::vector<double> means, p99s, chunk;
  for (int b = 0; b < batches; ++b) {
    const auto first = samples.begin() + static_cast<std::ptrdiff_t>(per * static_cast<std::size_t>(b));
    chunk.assign(first, first + static_cast<std::ptrdiff_t>(per));
    means.push_back(std::accumulate(chunk.begin(), chunk.end(), 0.0) / static_cast<double>(per));
    p99s.push_back(QuantileInPlace(chunk, 0.99));
  }
  out->mean_ci95 = HalfWidth(means);
  out->p99_ci95 = HalfWidth(p99s);
}

}  // namespace

void SampleSet::ToSketch() {
  sketched_ = true;
  block_size_ = std::max<std::uint64_t>(1, limit_ / kSketchBlocks);
  std::vector<double> exact;
  exact.swap(samples_);  // frees the exact samples once fed to the sketch
  for (const double x : exact) AddToSketch(x);
}

void SampleSet::AddToSketch(double x) {
  if (!sketched_) ToSketch();
  sketch_.Add(x);
  if (blocks_.empty() || blocks_.back().count >= block_size_) {
    if (blocks_.size() >= 2 * kSketchBlocks) CompactBlocks();
    blocks_.emplace_back();
  }
  Block& b = blocks_.back();
  ++b.count;
  b.sum += x;
  b.hist.Add(x);
}

// Merges neighbouring blocks pairwise: half as many, twice as long.
void SampleSet::CompactBlocks() {
  std::vector<Block> merged;
  merged.reserve(blocks_.size() / 2 + 1);
  for (std::size_t i = 0; i < blocks_.size(); i += 2) {
    Block b = std::move(blocks_[i]);
    if (i + 1 < blocks_.size()) {
      b.count += blocks_[i + 1].count;
      b.sum += blocks_[i + 1].sum;
      b.hist.Merge(blocks_[i + 1].hist);
    }
    merged.push_back(std::move(b));
  }
  blocks_.swap(merged);
  block_size_ *= 2;
}

void SampleSet::Append(const SampleSet& other) {
  if (!sketched_ && !other.sketched_ && samples_.size() + other.samples_.size() <= limit_) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
    return;
  }
  if (!other.sketched_) {
    for (const double x : other.samples_) Add(x);
    return;
  }
  if (!sketched_) ToSketch();
  sketch_.Merge(other.sketch_);
  for (const Block& b : other.blocks_) {
    if (blocks_.size() >= 2 * kSketchBlocks) CompactBlocks();
    blocks_.push_back(b);
  }
  block_size_ = std::max(block_size_, other.block_size_);
}

Summary SampleSet::SummarizeSketch(int batches) const {
  Summary s = sketch_.Summarize();
  const std::size_t m = blocks_.size(), k = static_cast<std::size_t>(batches);
  if (m < k) return s;
  std::vector<double> means, p99s;
  for (std::size_t g = 0; g < k; ++g) {
    Block batch;
    for (std::size_t i = g * m / k; i < (g + 1) * m / k; ++i) {
      batch.count += blocks_[i].count;
      batch.sum += blocks_[i].sum;
      batch.hist.Merge(blocks_[i].hist);
    }
    if (batch.count < 10) return s;
    means.push_back(batch.sum / static_cast<double>(batch.count));
    p99s.push_back(batch.hist.Quantile(0.99));
  }
  s.mean_ci95 = HalfWidth(means);
  s.p99_ci95 = HalfWidth(p99s);
  return s;
}

Summary SampleSet::Summarize(int batches) const {
  assert(batches >= 2);
  if (sketched_) return SummarizeSketch(batches);
  Summary s;
  s.count = samples_.size();
  if (samples_.empty()) return s;
  s.mean = std::accumulate(samples_.begin(), samples_.end(), 0.0) / static_cast<double>(s.count);
  std::vector<double> work = samples_;
  std::size_t from = 0;  // increasing quantiles: each selects right of the last
  s.p50 = QuantileFrom(work, 0.50, &from);
  s.p90 = QuantileFrom(work, 0.90, &from);
  s.p95 = QuantileFrom(work, 0.95, &from);
  s.p99 = QuantileFrom(work, 0.99, &from);
  s.p999 = QuantileFrom(work, 0.999, &from);
  s.max = *std::max_element(work.begin() + static_cast<std::ptrdiff_t>(from), work.end());
  BatchIntervals(samples_, batches, &s);
  return s;
}

}  // namespace fleetlab
