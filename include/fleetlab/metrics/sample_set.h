// SampleSet: the observations of one metric (a latency). Up to a bound
// (kExactSamples by default) every sample is kept, so percentiles are true
// order statistics; past it the set turns into a mergeable log-histogram
// sketch (log_histogram.h: every percentile within 0.5% relative error, mean
// and max exact), so memory stays bounded however long the run.
//
// Quantiles use linear interpolation between order statistics (Hyndman & Fan
// type 7, the default of R and NumPy). Confidence intervals use the method of
// batch means: the samples, in recording order, are cut into K contiguous
// batches, the statistic is computed on each, and the 95% interval is the
// Student-t interval of those K values. Batch means remove most of the
// autocorrelation that makes a naive i.i.d. interval on queueing delays far
// too narrow (Law & Kelton, Simulation Modeling and Analysis, ch. 9). Once
// sketched, the batches are built from up to 2 x kSketchBlocks contiguous
// blocks of samples, each a sketch of its own (its p99 within 0.5%).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fleetlab/metrics/log_histogram.h"
#include "fleetlab/metrics/summary.h"

namespace fleetlab {

class SampleSet {
 public:
  // 2^20 samples, 8 MiB: exact for every run the lab and the CLI's examples
  // make; lower it (tests) to see the sketch, raise it to keep more exactly.
  static constexpr std::size_t kExactSamples = std::size_t{1} << 20;
  static constexpr std::size_t kSketchBlocks = 64;

  // REQUIRES: exact_limit >= kSketchBlocks.
  explicit SampleSet(std::size_t exact_limit = kExactSamples) : limit_(exact_limit) {}

  void Reserve(std::size_t n) { samples_.reserve(n < limit_ ? n : limit_); }
  void Add(double x) {
    if (!sketched_ && samples_.size() < limit_) {
      samples_.push_back(x);
      return;
    }
    AddToSketch(x);
  }
  // Adds every sample of `other` after this set's own (pooling several
  // sources; the batch-means intervals then batch each source's run in turn).
  void Append(const SampleSet& other);
  std::size_t size() const { return sketched_ ? static_cast<std::size_t>(sketch_.count()) : samples_.size(); }
  // Whether the set has passed its bound (percentiles from the sketch).
  bool sketched() const { return sketched_; }

  // Summarises the samples; `batches` is K for the confidence intervals.
  // REQUIRES: batches >= 2.
  Summary Summarize(int batches = 20) const;

 private:
  struct Block {
    std::uint64_t count = 0;
    double sum = 0;
    LogHistogram hist;
  };
  void ToSketch();
  void AddToSketch(double x);
  void CompactBlocks();
  Summary SummarizeSketch(int batches) const;

  std::size_t limit_;
  std::vector<double> samples_;  // while exact
  bool sketched_ = false;
  LogHistogram sketch_;          // once sketched: every sample
  std::vector<Block> blocks_;    // once sketched: contiguous runs of block_size_ samples
  std::uint64_t block_size_ = 0;
};

// The q-quantile (type 7) of `values`, which it reorders.
// REQUIRES: !values.empty(), 0 <= q <= 1.
double QuantileInPlace(std::vector<double>& values, double q);

// The two-sided 97.5% point of Student's t with `dof` degrees of freedom.
// REQUIRES: dof >= 1.
double StudentT975(int dof);

}  // namespace fleetlab
