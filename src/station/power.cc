#include "fleetlab/station/power.h"

#include <algorithm>
#include <cassert>
#include <cmath>

namespace fleetlab {

PowerMeter::PowerMeter(const PowerOptions& options, std::uint32_t devices)
    : options_(options),
      sleep_after_ns_(std::isfinite(options.sleep_after_s) ? SecondsToNs(options.sleep_after_s) : kTimeNever),
      since_(devices, 0), busy_(devices, false) {}

double PowerMeter::IdleEnergy(SimDuration ns) const {
  const SimDuration awake = std::min(ns, sleep_after_ns_);
  return options_.idle_w * NsToSeconds(awake) + options_.sleep_w * NsToSeconds(ns - awake);
}

double PowerMeter::IdleSpell(SimTime since, SimTime from, SimTime to) const {
  const SimTime start = std::max(since, from);
  if (to <= start) return 0.0;
  return IdleEnergy(to - since) - IdleEnergy(start - since);
}

void PowerMeter::OnBusy(std::uint32_t d, SimTime now) {
  assert(!busy_[d]);
  energy_j_ += IdleSpell(since_[d], window_start_, now);
  if (now - since_[d] > sleep_after_ns_ && now >= window_start_) {
    energy_j_ += options_.wake_j;
    ++wakeups_;
  }
  busy_[d] = true;
  since_[d] = now;
}

void PowerMeter::OnIdle(std::uint32_t d, SimTime now) {
  assert(busy_[d]);
  const SimTime start = std::max(since_[d], window_start_);
  if (now > start) {
    energy_j_ += options_.active_w * NsToSeconds(now - start);
    active_ns_ += static_cast<double>(now - start);
  }
  busy_[d] = false;
  since_[d] = now;
}

void PowerMeter::Reset(SimTime now) {
  window_start_ = now;
  energy_j_ = 0;
  active_ns_ = 0;
  wakeups_ = 0;
}

double PowerMeter::EnergyJ(SimTime end) const {
  double e = energy_j_;
  for (std::size_t d = 0; d < since_.size(); ++d) {
    const SimTime start = std::max(since_[d], window_start_);
    if (busy_[d]) {
      e += end > start ? options_.active_w * NsToSeconds(end - start) : 0.0;
    } else {
      e += IdleSpell(since_[d], window_start_, end);
    }
  }
  return e;
}

double PowerMeter::ActiveSeconds(SimTime end) const {
  double ns = active_ns_;
  for (std::size_t d = 0; d < since_.size(); ++d) {
    const SimTime start = std::max(since_[d], window_start_);
    if (busy_[d] && end > start) ns += static_cast<double>(end - start);
  }
  return ns / 1e9;
}

}  // namespace fleetlab
