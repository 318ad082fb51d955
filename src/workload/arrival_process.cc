#include "fleetlab/workload/arrival_process.h"

#include <cassert>
#include <algorithm>
#include <cmath>

namespace fleetlab {
namespace {

// Squared CV of the gaps between recorded arrivals (1 if fewer than 3).
double TraceGapCv2(const std::vector<TraceRecord>& trace) {
  if (trace.size() < 3) return 1.0;
  double sum = 0, sum2 = 0;
  const double n = static_cast<double>(trace.size() - 1);
  for (std::size_t i = 1; i < trace.size(); ++i) {
    const double g = trace[i].arrival_s - trace[i - 1].arrival_s;
    sum += g;
    sum2 += g * g;
  }
  const double mean = sum / n;
  if (mean <= 0) return 1.0;
  return std::max(0.0, sum2 / n - mean * mean) / (mean * mean);
}

}  // namespace

ArrivalProcess::ArrivalProcess(const ArrivalOptions& options, std::vector<TraceRecord> trace,
                               std::shared_ptr<const std::vector<std::uint64_t>> hashes)
    : kind_(options.kind), mean_rate_(options.rate_per_s), hashes_(std::move(hashes)),
      hash_tokens_(static_cast<std::uint32_t>(options.hash_block_tokens)) {
  const double mean_gap = options.rate_per_s > 0 ? 1.0 / options.rate_per_s : 0.0;
  const bool profiled = options.profile.kind != RateProfileOptions::Kind::kConstant &&
                        (kind_ == ArrivalKind::kPoisson || kind_ == ArrivalKind::kGamma);
  if (profiled) {  // gaps of mean 1 in operational time (rate_profile.h)
    profile_.emplace(options.profile, options.rate_per_s);
    mean_rate_ = profile_->MeanRate();
    gap_s_ = kind_ == ArrivalKind::kGamma ? Distribution::Gamma(1.0, options.cv) : Distribution::Exponential(1.0);
    variability2_ = kind_ == ArrivalKind::kGamma ? options.cv * options.cv : 1.0;
    return;
  }
  switch (kind_) {
    case ArrivalKind::kPoisson:
      gap_s_ = Distribution::Exponential(mean_gap);
      break;
    case ArrivalKind::kGamma:
      gap_s_ = Distribution::Gamma(mean_gap, options.cv);
      variability2_ = options.cv * options.cv;
      break;
    case ArrivalKind::kDeterministic:
      gap_s_ = Distribution::Deterministic(mean_gap);
      variability2_ = 0;
      break;
    case ArrivalKind::kOnOff: {
      const OnOffOptions& o = options.on_off;
      mean_on_s_ = o.mean_on_s;
      mean_off_s_ = o.mean_off_s;
      rate_on_ = options.rate_per_s * (o.mean_on_s + o.mean_off_s) /
                 (o.mean_on_s + o.off_rate_fraction * o.mean_off_s);
      rate_off_ = o.off_rate_fraction * rate_on_;
      // Asymptotic index of dispersion of an MMPP-2 (Fischer & Meier-Hellstern 1993):
      // I = 1 + 2 (l1 - l2)^2 r1 r2 / ((r1 + r2)^3 * mean rate), r = switching rates.
      const double r_on = 1.0 / o.mean_on_s, r_off = 1.0 / o.mean_off_s;
      const double d = rate_on_ - rate_off_;
      variability2_ = 1 + 2 * d * d * r_on * r_off / (std::pow(r_on + r_off, 3) * options.rate_per_s);
      break;
    }
    case ArrivalKind::kTrace: {
      assert(!trace.empty());
      trace_ = std::move(trace);
      const double span = trace_.back().arrival_s - trace_.front().arrival_s;
      const double recorded_rate = span > 0 ? static_cast<double>(trace_.size() - 1) / span : 0.0;
      if (options.rate_per_s > 0 && recorded_rate > 0) {
        time_scale_ = recorded_rate / options.rate_per_s;
      } else {
        mean_rate_ = recorded_rate;
      }
      variability2_ = TraceGapCv2(trace_);
      break;
    }
  }
}

bool ArrivalProcess::NextOnOff(Rng& rng, SimTime now, Arrival* out) {
  SimTime t = now;
  if (!phase_started_) {  // start in steady state: on with probability of its time share
    phase_started_ = true;
    on_ = rng.Uniform() * (mean_on_s_ + mean_off_s_) < mean_on_s_;
    phase_end_ = t + SecondsToNs(-(on_ ? mean_on_s_ : mean_off_s_) * std::log(rng.UniformPositive()));
  }
  while (true) {
    const double rate = on_ ? rate_on_ : rate_off_;
    // Memorylessness: a gap drawn at the current rate is valid until the phase ends.
    if (rate > 0) {
      const SimTime candidate = t + SecondsToNs(-std::log(rng.UniformPositive()) / rate);
      if (candidate < phase_end_) {
        out->time = candidate;
        return true;
      }
    }
    t = phase_end_;
    on_ = !on_;
    phase_end_ = t + SecondsToNs(-(on_ ? mean_on_s_ : mean_off_s_) * std::log(rng.UniformPositive()));
  }
}

// The next instant of the renewal process in operational time, mapped to
// real time; a profile whose rate stays 0 from some time on ends there.
bool ArrivalProcess::NextProfiled(Rng& rng, SimTime now, Arrival* out) {
  tau_ += gap_s_.Sample(rng);
  const double t = profile_->Inverse(tau_);
  if (!(t <= kHorizonSeconds)) return false;
  out->time = std::max(now, SecondsToNs(t));
  return true;
}

bool ArrivalProcess::Next(Rng& rng, SimTime now, Arrival* out) {
  out->prompt_tokens = 0;
  out->output_tokens = 0;
  out->hashes = nullptr;
  out->hash_count = 0;
  out->hash_tokens = 0;
  switch (kind_) {
    case ArrivalKind::kOnOff:
      return NextOnOff(rng, now, out);
    case ArrivalKind::kTrace: {
      if (next_record_ >= trace_.size()) return false;
      const TraceRecord& r = trace_[next_record_++];
      const double t = (r.arrival_s - trace_.front().arrival_s) * time_scale_;
      out->time = std::max(now, SecondsToNs(t));
      out->prompt_tokens = r.prompt_tokens;
      out->output_tokens = r.output_tokens;
      if (hashes_ != nullptr && r.hash_count > 0) {
        assert(static_cast<std::size_t>(r.hash_begin) + r.hash_count <= hashes_->size());
        out->hashes = hashes_->data() + r.hash_begin;
        out->hash_count = r.hash_count;
        out->hash_tokens = hash_tokens_;
      }
      return true;
    }
    default:
      if (profile_) return NextProfiled(rng, now, out);
      out->time = now + SecondsToNs(gap_s_.Sample(rng));
      return true;
  }
}

}  // namespace fleetlab
