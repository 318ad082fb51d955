// Simulated time.
//
// Simulated time is an integer count of nanoseconds since the start of a run.
// Integers make event ordering exact and reproducible: two events scheduled
// for "the same" time compare equal on every machine and compiler, which
// floating-point sums do not guarantee. 2^63 ns is about 292 years, far more
// than any run. Conversions to and from seconds/milliseconds happen only at
// the edges (scenario parsing, reports, distributions that return seconds).
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

namespace fleetlab {

using SimTime = std::int64_t;      // an instant, ns since the run began
using SimDuration = std::int64_t;  // a span of simulated time, ns

inline constexpr SimTime kNsPerSecond = 1'000'000'000;
inline constexpr SimTime kNsPerMs = 1'000'000;
inline constexpr SimTime kTimeNever = std::numeric_limits<SimTime>::max();

// Rounds a non-negative number of seconds to the nearest nanosecond.
// REQUIRES: seconds >= 0 and finite, seconds < ~9.2e9.
inline SimDuration SecondsToNs(double seconds) {
  // Round half up; for the non-negative values allowed this equals llround
  // without the library call on the hot path.
  return static_cast<SimDuration>(seconds * 1e9 + 0.5);
}
inline SimDuration MsToNs(double ms) { return static_cast<SimDuration>(std::llround(ms * 1e6)); }
inline double NsToSeconds(SimDuration ns) { return static_cast<double>(ns) * 1e-9; }
inline double NsToMs(SimDuration ns) { return static_cast<double>(ns) * 1e-6; }

}  // namespace fleetlab
