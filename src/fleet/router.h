// Router: the front door of a fleet. Each request goes to one replica,
// chosen by the routing policy from the loads the router sees: live, or as
// each replica last reported them (report_interval_s > 0). Reports are
// events: replica i reports at i * interval / N, then every interval.
//
// A replica that reports itself empty stops reporting until the router next
// sends it a request (only the router adds load, so every report skipped in
// between would have read "empty" too); then it resumes on its own
// schedule. This changes nothing the router sees and lets a run end.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleet/load_board.h"
#include "fleet/routing_policy.h"
#include "fleetlab/engine/simulator.h"
#include "fleetlab/fleet/options.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

// One replica as the router knows it: where to send, and how to read its
// load. Replicas may differ (heterogeneous fleets): each brings its own.
struct RouteTarget {
  RequestTarget* target = nullptr;
  const LoadProbe* probe = nullptr;
};

class Router final : public EventHandler, public RequestTarget {
 public:
  // Does not own the targets or their probes.
  // REQUIRES: !targets.empty(), none null; options validated; targets and
  // probes outlive the router.
  Router(const std::vector<RouteTarget>& targets, const RouterOptions& options, Rng routing_rng);
  // Registers with `sim`. REQUIRES: called once, before the run.
  void Attach(Simulator& sim) { id_ = sim.Register(this); }

  void Submit(Simulator& sim, const Request& request) override;
  void OnEvent(Simulator& sim, const Event& event) override;

  // Sends a copy of `request` (a hedge) to the replica other than `exclude`
  // with the fewest outstanding requests as the router sees them; ties go to
  // the lowest index. Returns its index. REQUIRES: two replicas or more.
  std::size_t SubmitBackup(Simulator& sim, const Request& request, std::size_t exclude);
  // The replica the last Submit chose. REQUIRES: a Submit happened.
  std::size_t last_choice() const { return last_; }

  // The loads as the policy reads them.
  const LoadBoard& board() const { return board_; }
  // Requests sent to each replica so far (warm-up included).
  const std::vector<std::uint64_t>& routed() const { return routed_; }

 private:
  void SendTo(Simulator& sim, const Request& request, std::size_t i);
  // The first report time of replica i strictly after `now`.
  SimTime NextReport(std::size_t i, SimTime now) const;

  std::vector<RequestTarget*> targets_;
  LoadBoard board_;
  std::unique_ptr<RoutingPolicy> policy_;
  SimDuration interval_;  // 0: live
  HandlerId id_ = 0;
  std::vector<bool> reporting_;  // a report event is pending for replica i
  std::vector<std::uint64_t> routed_;
  std::size_t last_ = 0;
};

}  // namespace fleetlab
