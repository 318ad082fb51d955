// CompletionTally: one replica's measured completions, counted on the way
// to the listener behind it (a fleet report's per-replica request counts).
#pragma once

#include <cstdint>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

class CompletionTally final : public CompletionListener {
 public:
  // Does not own `next`. REQUIRES: next is not null and outlives the tally.
  explicit CompletionTally(CompletionListener* next) : next_(next) {}
  void OnCompleted(Simulator& sim, const Request& r, SimTime service_start) override {
    completed_ += r.measured ? 1 : 0;
    next_->OnCompleted(sim, r, service_start);
  }
  void OnDropped(Simulator& sim, const Request& r) override { next_->OnDropped(sim, r); }

  // Measured requests completed since construction or the last Reset.
  std::uint64_t completed() const { return completed_; }
  void Reset() { completed_ = 0; }

 private:
  CompletionListener* next_;
  std::uint64_t completed_ = 0;
};

}  // namespace fleetlab
