// TimeWeighted: the time average of a piecewise-constant quantity (a queue
// length, a count of busy servers) over [start, now]. TimeWeightedSet<N>:
// the same for N quantities that always change at the same moments (a
// replica's queue and KV shares), kept together: one clock, the values and
// areas side by side, so recording them touches 2 + N / 4 cache lines
// instead of N x 48 bytes. TimeWeighted is the set of one.
#pragma once

#include <algorithm>
#include <array>
#include <cassert>
#include <cstddef>

#include "fleetlab/util/min_tree.h"
#include "fleetlab/time.h"

namespace fleetlab {

template <std::size_t N>
class TimeWeightedSet {
 public:
  // Records that the quantities change to `values` at `now`.
  // REQUIRES: now >= the time of the previous call.
  void Set(SimTime now, const std::array<double, N>& values) {
    const double span = static_cast<double>(now - last_);
    for (std::size_t i = 0; i < N; ++i) area_[i] += value_[i] * span;
    last_ = now;
    value_ = values;
  }

  // Forgets the past: the averages restart at `now` with the current values.
  void Reset(SimTime now) {
    area_.fill(0);
    start_ = last_ = now;
    frozen_ = false;
  }
  // Closes the averaging window at `now` (the last arrival of a run): from
  // then on Average() is the average over [start, now], while value() keeps
  // following Set. Reset opens a new window. REQUIRES: now >= last change.
  void Freeze(SimTime now) {
    for (std::size_t i = 0; i < N; ++i) frozen_average_[i] = Average(i, now);
    frozen_ = true;
  }

  // REQUIRES: i < N.
  double value(std::size_t i) const { return value_[i]; }
  // When the values last changed (or the window opened).
  SimTime last_change() const { return last_; }
  // Quantity i's average over [start, now] (over [start, freeze time] once
  // frozen). REQUIRES: i < N; now >= the last change.
  double Average(std::size_t i, SimTime now) const {
    if (frozen_) return frozen_average_[i];
    const double span = static_cast<double>(now - start_);
    if (span <= 0) return value_[i];
    return (area_[i] + value_[i] * static_cast<double>(now - last_)) / span;
  }

 private:
  SimTime last_ = 0;
  SimTime start_ = 0;
  std::array<double, N> value_{};
  std::array<double, N> area_{};  // integral of each value over [start_, last_], in value * ns
  bool frozen_ = false;
  std::array<double, N> frozen_average_{};
};

class TimeWeighted {
 public:
  // Records that the quantity changes to `value` at `now`.
  // REQUIRES: now >= the time of the previous call.
  void Set(SimTime now, double value) {
    set_.Set(now, {value});
    if (mirror_ != nullptr) mirror_->Set(mirror_index_, value);
  }
  void Add(SimTime now, double delta) { Set(now, value() + delta); }
  // Keeps value `i` of `tree` equal to value() from now on, written on
  // every change (a router finds the least of a fleet's counts in one tree
  // of such values instead of in each replica's state). REQUIRES: tree not
  // null, i < tree->size(); called once; the tree outlives the later
  // changes.
  void Mirror(MinTree* tree, std::size_t i) {
    assert(tree != nullptr && mirror_ == nullptr);
    mirror_ = tree;
    mirror_index_ = i;
    tree->Set(i, value());
  }

  // As TimeWeightedSet.
  void Reset(SimTime now) { set_.Reset(now); }
  void Freeze(SimTime now) { set_.Freeze(now); }

  double value() const { return set_.value(0); }
  // Average over [start, now] (over [start, freeze time] once frozen).
  // REQUIRES: now >= last change.
  double Average(SimTime now) const { return set_.Average(0, now); }
  // Average over [start, end], or over [start, last change] when the
  // quantity changed after `end`: a request path's window ends at its last
  // exit, while a stage may still be busy (a cancelled branch's link, a
  // hedge's loser). Read at `end` regardless, that work counted over too
  // short a span (utilisation 2.98 of a one-lane link).
  double AverageThrough(SimTime end) const { return Average(std::max(end, set_.last_change())); }

 private:
  TimeWeightedSet<1> set_;
  MinTree* mirror_ = nullptr;  // Mirror's tree, or null
  std::size_t mirror_index_ = 0;
};

}  // namespace fleetlab
