// EventQueue: the pending events of one simulation, smallest EventKey first.
//
// A binary min-heap over a contiguous vector: Push and Pop are O(log n), Top
// is O(1), and a steady-state run allocates nothing once the vector has grown
// to the peak number of pending events.
#pragma once

#include <cstddef>
#include <vector>

#include "fleetlab/engine/event.h"

namespace fleetlab {

class EventQueue {
 public:
  bool empty() const { return heap_.empty(); }
  std::size_t size() const { return heap_.size(); }

  void Push(const Event& event);

  // REQUIRES: !empty()
  const Event& Top() const { return heap_.front(); }

  // Removes and returns the smallest event.
  // REQUIRES: !empty()
  Event Pop();

  void Clear() { heap_.clear(); }

 private:
  std::vector<Event> heap_;
};

}  // namespace fleetlab
