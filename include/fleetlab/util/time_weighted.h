// TimeWeighted: the time average of a piecewise-constant quantity (a queue
// length, a count of busy servers) over [start, now].
#pragma once

#include "fleetlab/time.h"

namespace fleetlab {

class TimeWeighted {
 public:
  // Records that the quantity changes to `value` at `now`.
  // REQUIRES: now >= the time of the previous call.
  void Set(SimTime now, double value) {
    area_ += value_ * static_cast<double>(now - last_);
    last_ = now;
    value_ = value;
  }
  void Add(SimTime now, double delta) { Set(now, value_ + delta); }

  // Forgets the past: the average restarts at `now` with the current value.
  void Reset(SimTime now) {
    area_ = 0;
    start_ = last_ = now;
    frozen_ = false;
  }
  // Closes the averaging window at `now` (the last arrival of a run): from
  // then on Average() is the average over [start, now], while value() keeps
  // following Set. Reset opens a new window. REQUIRES: now >= last change.
  void Freeze(SimTime now) {
    frozen_average_ = Average(now);
    frozen_ = true;
  }

  double value() const { return value_; }
  // Average over [start, now] (over [start, freeze time] once frozen).
  // REQUIRES: now >= last change.
  double Average(SimTime now) const {
    if (frozen_) return frozen_average_;
    const double span = static_cast<double>(now - start_);
    if (span <= 0) return value_;
    return (area_ + value_ * static_cast<double>(now - last_)) / span;
  }

 private:
  double value_ = 0;
  double area_ = 0;  // integral of value over [start_, last_], in value * ns
  SimTime start_ = 0;
  SimTime last_ = 0;
  bool frozen_ = false;
  double frozen_average_ = 0;
};

}  // namespace fleetlab
