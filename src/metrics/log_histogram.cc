#include "fleetlab/metrics/log_histogram.h"

#include <algorithm>
#include <cassert>
#include <cmath>

#include "metrics/log_bin.h"

namespace fleetlab {
namespace {

const double kGamma = (1 + LogHistogram::kRelativeError) / (1 - LogHistogram::kRelativeError);
const double kLogGamma = std::log(kGamma);
const double kInvLogGamma = 1 / kLogGamma;
const double kInvGamma = std::exp(-kLogGamma);

}  // namespace

int LogHistogram::BinAfterLast(double value) {
  log_bin::LastBin last{last_bin_, last_low_, last_high_};
  const int bin = log_bin::LogBinAfter(value, kLogGamma, kInvLogGamma, kInvGamma, last);
  last_bin_ = last.bin;
  last_low_ = last.low;
  last_high_ = last.high;
  return bin;
}

// Bin i holds (gamma^(i-1), gamma^i]; this midpoint is within the relative
// error of every value in it.
double LogHistogram::ValueOf(int bin) const { return 2 * std::pow(kGamma, bin) / (kGamma + 1); }

void LogHistogram::Add(double value, std::uint64_t count) {
  assert(value >= 0);
  if (count == 0) return;
  count_ += count;
  sum_ += value * static_cast<double>(count);
  max_ = std::max(max_, value);
  if (value == 0) {
    zeros_ += count;
    return;
  }
  const int bin = BinAfterLast(value);
  if (bins_.empty()) offset_ = bin;
  if (bin < offset_) {
    bins_.insert(bins_.begin(), static_cast<std::size_t>(offset_ - bin), 0);
    offset_ = bin;
  }
  const auto index = static_cast<std::size_t>(bin - offset_);
  if (index >= bins_.size()) bins_.resize(index + 1, 0);
  bins_[index] += count;
}

void LogHistogram::Merge(const LogHistogram& other) {
  if (other.count_ == 0) return;
  count_ += other.count_;
  sum_ += other.sum_;
  max_ = std::max(max_, other.max_);
  zeros_ += other.zeros_;
  if (other.bins_.empty()) return;
  const int high = other.offset_ + static_cast<int>(other.bins_.size());
  if (bins_.empty()) {
    offset_ = other.offset_;
  } else if (other.offset_ < offset_) {
    bins_.insert(bins_.begin(), static_cast<std::size_t>(offset_ - other.offset_), 0);
    offset_ = other.offset_;
  }
  if (high - offset_ > static_cast<int>(bins_.size())) bins_.resize(static_cast<std::size_t>(high - offset_), 0);
  for (std::size_t i = 0; i < other.bins_.size(); ++i) {
    bins_[static_cast<std::size_t>(other.offset_ - offset_) + i] += other.bins_[i];
  }
}

double LogHistogram::Quantile(double q) const {
  assert(count_ > 0 && q >= 0 && q <= 1);
  // Nearest rank: the smallest value with at least ceil(q * n) values <= it.
  const auto rank = std::max<std::uint64_t>(1, static_cast<std::uint64_t>(std::ceil(q * static_cast<double>(count_))));
  if (rank <= zeros_) return 0;
  std::uint64_t seen = zeros_;
  for (std::size_t i = 0; i < bins_.size(); ++i) {
    seen += bins_[i];
    if (seen >= rank) return std::min(max_, ValueOf(offset_ + static_cast<int>(i)));
  }
  return max_;
}

Summary LogHistogram::Summarize() const {
  Summary s;
  s.count = count_;
  if (count_ == 0) return s;
  s.mean = mean();
  s.p50 = Quantile(0.50);
  s.p90 = Quantile(0.90);
  s.p95 = Quantile(0.95);
  s.p99 = Quantile(0.99);
  s.p999 = Quantile(0.999);
  s.max = max_;
  return s;
}

}  // namespace fleetlab
