// Events and their total order.
//
// Every event is ordered by EventKey = (time, sequence) and by nothing else.
// `sequence` is the value of a per-simulator counter taken when the event was
// scheduled, so two events at the same instant run in the order they were
// scheduled (FIFO). Ordering must never fall back to pointer addresses, heap
// layout or handler identity: those differ between runs, compilers and
// allocators, and a tie broken by them would make the same seed give
// different reports.
#pragma once

#include <cstdint>

#include "fleetlab/time.h"

namespace fleetlab {

using HandlerId = std::uint32_t;
using EventId = std::uint64_t;  // equal to the event's sequence number

struct EventKey {
  SimTime time = 0;
  std::uint64_t sequence = 0;

  friend bool operator<(const EventKey& a, const EventKey& b) {
    return a.time != b.time ? a.time < b.time : a.sequence < b.sequence;
  }
  friend bool operator==(const EventKey& a, const EventKey& b) = default;
};

// An event is plain data: whom it is for, what kind it is (meaning defined by
// the handler) and one 64-bit argument (an index, an id). No closures, so
// scheduling allocates nothing.
struct Event {
  EventKey key;
  HandlerId target = 0;
  std::uint32_t kind = 0;
  std::uint64_t arg = 0;

  SimTime time() const { return key.time; }
  EventId id() const { return key.sequence; }
};

}  // namespace fleetlab
