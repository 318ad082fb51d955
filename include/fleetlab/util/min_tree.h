// MinTree: n values and which is least, kept in a tournament tree (a binary
// tree over the values whose every node holds the index of the least value
// below it, ties to the lower index). Set climbs from the leaf only while
// the winners it passes change: O(log n) at most, less when the new value
// neither wins nor loses a match. ArgMin reads the root: O(1). A router uses
// it to find the replica with the fewest outstanding requests without
// reading every replica's count.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace fleetlab {

class MinTree {
 public:
  // n values, all zero. Without `track`, Set only stores the value and
  // ArgMin may not be called (the values alone, at no extra cost a change).
  explicit MinTree(std::size_t n = 0, bool track = true) : n_(n), track_(track) {
    while (leaves_ < n) leaves_ *= 2;
    value_.assign(leaves_, std::numeric_limits<double>::infinity());
    for (std::size_t i = 0; i < n; ++i) value_[i] = 0;
    winner_.assign(2 * leaves_, 0);
    for (std::size_t i = 0; i < leaves_; ++i) winner_[leaves_ + i] = static_cast<std::uint32_t>(i);
    for (std::size_t p = leaves_ - 1; p >= 1; --p) winner_[p] = Match(p);
  }

  std::size_t size() const { return n_; }
  // REQUIRES: i < size().
  double Value(std::size_t i) const {
    assert(i < n_);
    return value_[i];
  }
  // REQUIRES: i < size().
  void Set(std::size_t i, double v) {
    assert(i < n_);
    value_[i] = v;
    if (!track_) return;
    const auto leaf = static_cast<std::uint32_t>(i);
    for (std::size_t p = (leaves_ + i) / 2; p >= 1; p /= 2) {
      const std::uint32_t before = winner_[p], after = Match(p);
      if (after == before && after != leaf) return;  // nothing above can change
      winner_[p] = after;
    }
  }
  // The index of the least value, the lowest such index on a tie.
  // REQUIRES: size() > 0; built with track.
  std::size_t ArgMin() const {
    assert(n_ > 0 && track_);
    return winner_[1];
  }

 private:
  // The winner of node p's two children: the right one only if strictly
  // less (its indices are all higher).
  std::uint32_t Match(std::size_t p) const {
    const std::uint32_t l = winner_[2 * p], r = winner_[2 * p + 1];
    return value_[r] < value_[l] ? r : l;
  }

  std::size_t n_ = 0;
  bool track_ = true;
  std::size_t leaves_ = 1;             // a power of two >= n
  std::vector<double> value_;          // leaves_ values; past n, +infinity
  std::vector<std::uint32_t> winner_;  // node p in [1, 2 leaves_): its subtree's least index
};

}  // namespace fleetlab
