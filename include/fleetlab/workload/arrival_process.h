// ArrivalProcess: the successive arrival instants of an open-loop workload.
//
// Every process is exactly the law its name says: no gap is capped, rounded
// to a grid or resampled (beyond the rounding of seconds to whole
// nanoseconds).
//   Poisson        exponential gaps at rate_per_s.
//   Gamma renewal  i.i.d. gamma gaps with mean 1/rate_per_s and CV `cv`.
//   Deterministic  a gap of exactly 1/rate_per_s.
//   On/off         a two-state Markov-modulated Poisson process: exponential
//                  bursts and lulls, Poisson within each at its own rate,
//                  the rates chosen so the long-run mean is rate_per_s.
//   Trace          recorded arrivals, optionally rescaled in time to a rate.
// Poisson and gamma may follow a time-varying rate profile (rate_profile.h):
// their gaps then have mean 1 in operational time, mapped to real time by
// the profile's inverse cumulative rate.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "fleetlab/random/distribution.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/time.h"
#include "fleetlab/workload/options.h"
#include "fleetlab/workload/rate_profile.h"
#include "fleetlab/workload/trace.h"

namespace fleetlab {

struct Arrival {
  SimTime time = 0;
  std::int32_t prompt_tokens = 0;
  std::int32_t output_tokens = 0;
  // A trace's prefix block ids (Mooncake hash_ids), or null.
  const std::uint64_t* hashes = nullptr;
  std::uint32_t hash_count = 0;
  std::uint32_t hash_tokens = 0;  // prompt tokens per hash id
};

class ArrivalProcess {
 public:
  // REQUIRES: options validated; `trace` holds the records when
  // options.kind == kTrace (it is copied); `hashes` the ids its records
  // point into, if any (shared: arrivals point into it).
  ArrivalProcess(const ArrivalOptions& options, std::vector<TraceRecord> trace,
                 std::shared_ptr<const std::vector<std::uint64_t>> hashes = nullptr);

  // Produces the next arrival at or after `now`. Returns false when the
  // process has no more arrivals (end of a trace).
  bool Next(Rng& rng, SimTime now, Arrival* out);

  // The long-run mean arrival rate (per second).
  double MeanRate() const { return mean_rate_; }
  ArrivalKind kind() const { return kind_; }
  // A measure of arrival variability for the analytic twin: the squared CV of
  // the gaps for renewal processes; for on/off, the asymptotic index of
  // dispersion of counts (Whitt's QNA uses it in place of C_a^2); for a
  // trace, the squared CV of its gaps.
  double VariabilitySquared() const { return variability2_; }

 private:
  bool NextOnOff(Rng& rng, SimTime now, Arrival* out);
  bool NextProfiled(Rng& rng, SimTime now, Arrival* out);

  ArrivalKind kind_;
  Distribution gap_s_ = Distribution::Deterministic(0);  // renewal kinds
  double mean_rate_ = 0;
  double variability2_ = 1;
  // A time-varying rate: gaps of mean 1 in operational time `tau_`, mapped
  // through the profile's inverse cumulative rate (rate_profile.h).
  std::optional<RateProfile> profile_;
  double tau_ = 0;
  // On/off state.
  double rate_on_ = 0, rate_off_ = 0, mean_on_s_ = 0, mean_off_s_ = 0;
  bool on_ = true;
  bool phase_started_ = false;
  SimTime phase_end_ = 0;
  // Trace state.
  std::vector<TraceRecord> trace_;
  std::shared_ptr<const std::vector<std::uint64_t>> hashes_;
  std::uint32_t hash_tokens_ = 0;
  std::size_t next_record_ = 0;
  double time_scale_ = 1.0;
};

}  // namespace fleetlab
