// SampleSet: every observation of one metric (a latency), kept exactly so
// percentiles are true order statistics, not sketch estimates.
//
// Quantiles use linear interpolation between order statistics (Hyndman & Fan
// type 7, the default of R and NumPy). Confidence intervals use the method of
// batch means: the samples, in recording order, are cut into K contiguous
// batches, the statistic is computed on each, and the 95% interval is the
// Student-t interval of those K values. Batch means remove most of the
// autocorrelation that makes a naive i.i.d. interval on queueing delays far
// too narrow (Law & Kelton, Simulation Modeling and Analysis, ch. 9).
#pragma once

#include <cstddef>
#include <vector>

namespace fleetlab {

struct Summary {
  std::size_t count = 0;
  double mean = 0, p50 = 0, p90 = 0, p95 = 0, p99 = 0, p999 = 0, max = 0;
  // Half-widths of the 95% batch-means confidence intervals (0 when there
  // are too few samples for K batches of at least 10).
  double mean_ci95 = 0;
  double p99_ci95 = 0;
};

class SampleSet {
 public:
  void Reserve(std::size_t n) { samples_.reserve(n); }
  void Add(double x) { samples_.push_back(x); }
  // Adds every sample of `other` after this set's own (pooling several
  // sources; the batch-means intervals then batch each source's run in turn).
  void Append(const SampleSet& other) {
    samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  }
  std::size_t size() const { return samples_.size(); }
  const std::vector<double>& samples() const { return samples_; }

  // Summarises the samples; `batches` is K for the confidence intervals.
  // REQUIRES: batches >= 2.
  Summary Summarize(int batches = 20) const;

 private:
  std::vector<double> samples_;
};

// The q-quantile (type 7) of `values`, which it reorders.
// REQUIRES: !values.empty(), 0 <= q <= 1.
double QuantileInPlace(std::vector<double>& values, double q);

// The two-sided 97.5% point of Student's t with `dof` degrees of freedom.
// REQUIRES: dof >= 1.
double StudentT975(int dof);

}  // namespace fleetlab
