// EventQueue: the pending events of one simulation, smallest EventKey first.
//
// A binary min-heap over a contiguous vector: Push and Pop are O(log n), Top
// is O(1), and a steady-state run allocates nothing once the vector has grown
// to the peak number of pending events. Both are defined here, inline: the
// caller builds the event in place (out of line, the event assembled field by
// field on the caller's stack was read back whole, a store-forwarding stall on
// every event).
#pragma once

#include <cassert>
#include <cstddef>
#include <utility>
#include <vector>

#include "fleetlab/engine/event.h"

namespace fleetlab {

class EventQueue {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

  void Push(const Event& event) {
    heap_.push_back(event);
    std::size_t i = heap_.size() - 1;
    while (i > 0) {  // sift up
      const std::size_t parent = (i - 1) / 2;
      if (!(heap_[i].key < heap_[parent].key)) break;
      std::swap(heap_[i], heap_[parent]);
      i = parent;
    }
  }

  // REQUIRES: !empty()
  const Event& Top() const { return heap_.front(); }

  // Removes and returns the smallest event.
  // REQUIRES: !empty()
  Event Pop() {
    assert(!heap_.empty());
    const Event top = heap_.front();
    const Event last = heap_.back();
    heap_.pop_back();
    const std::size_t n = heap_.size();
    if (n == 0) return top;
    std::size_t i = 0;  // sift `last` down from the root
    while (true) {
      std::size_t child = 2 * i + 1;
      if (child >= n) break;
      if (child + 1 < n && heap_[child + 1].key < heap_[child].key) ++child;
      if (!(heap_[child].key < last.key)) break;
      heap_[i] = heap_[child];
      i = child;
    }
    heap_[i] = last;
    return top;
  }

  void Clear() { heap_.clear(); }

 private:
  std::vector<Event> heap_;
};

}  // namespace fleetlab
