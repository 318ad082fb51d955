// Power and energy of the devices behind a station: each server is one
// device that draws active power while it computes, idle power while it
// waits awake, and sleep power once it has been idle for sleep_after_s; each
// wake from sleep costs wake_j. Energy is integrated exactly over the
// measurement window (docs/model.md, "Power and energy").
#pragma once

#include <cstdint>
#include <limits>
#include <vector>

#include "fleetlab/time.h"

namespace fleetlab {

struct PowerOptions {
  // Watts while computing / idle and awake / asleep. Set them from the
  // device's datasheet (the catalog does, for a station that runs a model).
  double active_w = 0, idle_w = 0, sleep_w = 0;
  // Joules to wake from sleep (clock and memory restore, radio resync).
  double wake_j = 0;
  // Idle time after which a device sleeps. Infinity: it never sleeps. Lower
  // it to model duty cycling: less idle power, more wake-ups.
  double sleep_after_s = std::numeric_limits<double>::infinity();

  bool enabled() const { return active_w > 0 || idle_w > 0 || sleep_w > 0 || wake_j > 0; }
};

class PowerMeter {
 public:
  // `devices` devices, all idle (awake) since time 0.
  PowerMeter(const PowerOptions& options, std::uint32_t devices);

  // Device d starts / stops computing at `now`. REQUIRES: alternating calls
  // per device, starting with OnBusy; times non-decreasing.
  void OnBusy(std::uint32_t d, SimTime now);
  void OnIdle(std::uint32_t d, SimTime now);
  // Starts a new measurement window at `now` (energy and counts from zero).
  void Reset(SimTime now);

  // Energy of all devices over [window start, end], in joules.
  double EnergyJ(SimTime end) const;
  // Wake-ups from sleep inside the window.
  std::uint64_t wakeups() const { return wakeups_; }
  double ActiveSeconds(SimTime end) const;

 private:
  // Energy of the first `ns` nanoseconds of an idle spell (idle, then asleep).
  double IdleEnergy(SimDuration ns) const;
  // Energy of an idle spell that began at `since`, counted over [from, to].
  double IdleSpell(SimTime since, SimTime from, SimTime to) const;

  PowerOptions options_;
  SimDuration sleep_after_ns_;  // kTimeNever: never
  SimTime window_start_ = 0;
  std::vector<SimTime> since_;  // start of the current busy or idle spell
  std::vector<bool> busy_;
  double energy_j_ = 0;         // closed spells inside the window
  double active_ns_ = 0;
  std::uint64_t wakeups_ = 0;
};

}  // namespace fleetlab
