// LlmFleet: one LLM replica, or a fleet of them behind a router (a
// ReplicaPool), as the system under load. A fleet's timeline and KV
// heatmap show replica 0.
#pragma once

#include <memory>

#include "fleet/replica_pool.h"
#include "runner/system_under_load.h"

namespace fleetlab {

class LlmFleet final : public SystemUnderLoad {
 public:
  // Builds s.fleet's replicas (one without a fleet), replica i from
  // s.Member(i) drawing from stream index i, and the router from
  // Stream(StreamId::kRouting). REQUIRES: s validated;
  // streams, sim, listener and the hooks' targets outlive the system.
  static Result<std::unique_ptr<SystemUnderLoad>> Build(const ReplicaSystem& s, const RandomStreams& streams,
                                                        Simulator& sim, CompletionListener* listener,
                                                        const RunHooks& hooks, SimDuration horizon);

  RequestTarget* target() const override { return pool_.entry(); }
  double InSystemNow() const override { return pool_.InSystemNow(); }
  void ResetStatistics(SimTime now) override { pool_.ResetStatistics(now); }
  bool CloseWindow(SimTime now) override {
    pool_.CloseWindow(now);
    return true;
  }
  // Capacity: the replicas' estimates summed; utilisation and batch size:
  // the combined LLM report's; the fleet part when s.fleet() is set.
  void Fill(const Scenario& s, SimTime end, Report* r) const override;

 private:
  explicit LlmFleet(SimDuration horizon) : pool_(horizon) {}

  ReplicaPool pool_;
};

}  // namespace fleetlab
