// Simulated time.
//
// Simulated time is an integer count of nanoseconds since the start of a run.
// Integers make event ordering exact and reproducible: two events scheduled
// for "the same" time compare equal on every machine and compiler, which
// floating-point sums do not guarantee. 2^63 ns is about 292 years, far more
// than any run may reach (kHorizon below). Conversions to and from
// seconds/milliseconds happen only at the edges (scenario parsing, reports,
// distributions that return seconds).
#pragma once

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdint>
#include <limits>

namespace fleetlab {

using SimTime = std::int64_t;      // an instant, ns since the run began
using SimDuration = std::int64_t;  // a span of simulated time, ns

inline constexpr SimTime kNsPerSecond = 1'000'000'000;
inline constexpr SimTime kNsPerMs = 1'000'000;
inline constexpr SimTime kTimeNever = std::numeric_limits<SimTime>::max();

// Bounds (docs/scenario.md, "Times and rates"). int64 ns holds 9.22e18 ns,
// about 292 years; a run keeps far inside that, so no sum of an instant and
// a duration can overflow:
//  - kMaxInputSeconds: the longest any one time a scenario gives may be (a
//    mean, a window, a delay, a budget, duration_s, a trace's last arrival):
//    1e6 s, about 11.6 days of simulated time. A thousand of them end to end
//    still stop short of the horizon.
//  - rates lie between kMinRatePerS (a mean gap of kMaxInputSeconds) and
//    kMaxRatePerS (a mean gap of 1 ns, the clock's resolution).
//  - kHorizon: the latest instant a run may reach, 1e9 s (31.7 years). A
//    time drawn from a heavy tail, or a backlog that never drains, can
//    still get there; the simulator then refuses to go on (engine/simulator.h)
//    and the run fails with an error, never a wrapped-around clock.
inline constexpr double kMaxInputSeconds = 1e6;
inline constexpr double kMinRatePerS = 1e-6;
inline constexpr double kMaxRatePerS = 1e9;
inline constexpr double kHorizonSeconds = 1e9;
inline constexpr SimTime kHorizon = 1'000'000'000'000'000'000;
// What a duration beyond the horizon becomes: later than the horizon, yet
// small enough that kHorizon + kBeyondHorizon still fits in an int64.
inline constexpr SimDuration kBeyondHorizon = kHorizon + 1;

// Rounds a number of seconds to the nearest nanosecond. Values beyond the
// horizon, +inf and NaN become kBeyondHorizon, so an event scheduled that
// far is refused by the simulator instead of overflowing the clock.
// REQUIRES: seconds >= 0 (or NaN).
inline SimDuration SecondsToNs(double seconds) {
  assert(!(seconds < 0));
  if (!(seconds <= kHorizonSeconds)) return kBeyondHorizon;
  // Round half up; for the non-negative values allowed this equals llround
  // without the library call on the hot path.
  return static_cast<SimDuration>(seconds * 1e9 + 0.5);
}
inline SimDuration MsToNs(double ms) {
  assert(!(ms < 0));
  if (!(ms <= kHorizonSeconds * 1e3)) return kBeyondHorizon;
  return static_cast<SimDuration>(ms * 1e6 + 0.5);
}
// t + d, at most kBeyondHorizon. REQUIRES: 0 <= t, d <= kBeyondHorizon.
inline SimTime AddTime(SimTime t, SimDuration d) {
  assert(t >= 0 && d >= 0 && t <= kBeyondHorizon && d <= kBeyondHorizon);
  return std::min(t + d, kBeyondHorizon);
}
inline double NsToSeconds(SimDuration ns) { return static_cast<double>(ns) * 1e-9; }
inline double NsToMs(SimDuration ns) { return static_cast<double>(ns) * 1e-6; }

}  // namespace fleetlab
