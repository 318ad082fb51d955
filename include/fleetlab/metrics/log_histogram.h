// LogHistogram: a bounded-memory sketch of a non-negative quantity with a
// stated relative error, for streams too long to keep (every inter-token
// latency of a run). Values are counted in geometric bins of ratio
// (1 + 2 * kRelativeError); a quantile is reported as the bin's geometric
// midpoint, so it is within kRelativeError of the exact order statistic it
// stands for (the same guarantee as DDSketch, Masson et al., VLDB 2019).
// Exact zeros are counted apart. The mean is exact.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/metrics/summary.h"

namespace fleetlab {

class LogHistogram {
 public:
  static constexpr double kRelativeError = 0.005;  // 0.5%

  // Counts `count` observations of `value`. REQUIRES: value >= 0.
  void Add(double value, std::uint64_t count = 1);
  // Adds every observation counted by `other` (same bins: exact merge).
  void Merge(const LogHistogram& other);

  std::uint64_t count() const { return count_; }
  double mean() const { return count_ > 0 ? sum_ / static_cast<double>(count_) : 0.0; }

  // The q-quantile (nearest rank) within kRelativeError. REQUIRES: count() > 0.
  double Quantile(double q) const;

  // Mean, p50..p999 and max (max exact); no confidence intervals.
  Summary Summarize() const;

 private:
  int BinAfterLast(double value);  // value's bin, remembering the bin's interval
  double ValueOf(int bin) const;

  std::vector<std::uint64_t> bins_;  // bins_[i] counts values in bin (offset_ + i)
  int offset_ = 0;
  std::uint64_t zeros_ = 0;
  std::uint64_t count_ = 0;
  double sum_ = 0;
  double max_ = 0;
  // The last value's bin and the interval of values sure to share it
  // (metrics/log_bin.h, LogBinAfter): consecutive inter-token gaps mostly do.
  int last_bin_ = 0;
  double last_low_ = 0, last_high_ = 0;
};

}  // namespace fleetlab
