// System: the system under load, built from a scenario and attached to a
// simulator — one generic station or LLM replica, or a fleet of N copies
// behind a router (fleet/router.h). After the run it fills the report's
// system-side figures (capacity, utilisation, queues, the LLM part and the
// fleet part).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleet/load_board.h"
#include "fleet/router.h"
#include "fleetlab/engine/simulator.h"
#include "fleetlab/llm/replica.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/report.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/station/station.h"
#include "fleetlab/status.h"
#include "path/path.h"

namespace fleetlab {

class ReplicaTally;  // counts one replica's measured completions (system.cc)
class DisaggSystem;  // prefill and decode pools (disagg/disagg_system.h)

class System {
 public:
  // Builds and attaches the system for `s`; `listener` hears every
  // completion and drop; `horizon` is the expected measurement window (0 if
  // unknown). Replica i draws from its own streams (Stream(StreamId::kService, i),
  // Stream(StreamId::kAcceptance, i)); the router from Stream(StreamId::kRouting). Fails if an
  // LLM replica cannot be built. REQUIRES: s validated; listener, streams
  // and sim outlive the system.
  static Result<std::unique_ptr<System>> Build(const Scenario& s, const RandomStreams& streams, Simulator& sim,
                                               CompletionListener* listener, const RunHooks& hooks,
                                               SimDuration horizon);
  ~System();

  // Where requests enter: the router, or the lone station or replica.
  RequestTarget* target() const { return target_; }
  // Requests in the system now (running + queued, every replica).
  double InSystemNow() const;
  // Starts every replica's time-weighted statistics afresh at `now`.
  void ResetStatistics(SimTime now);
  // Ends the window's rates and time averages at `now` (the last arrival).
  // Returns false for a request path, whose figures run to the end of the
  // run (its drain is the last request's exit).
  bool CloseWindow(SimTime now);
  // Fills capacity, utilisation, queue and batch figures, the LLM part and
  // the fleet part of `r` for the window ending at `end`. REQUIRES:
  // r->window_s is set.
  void Fill(const Scenario& s, SimTime end, Report* r) const;

 private:
  System() = default;
  // Builds and attaches copy `index` of the station or replica, with its
  // completion tally and load probe.
  Result<RouteTarget> AddReplica(const Scenario& s, const RandomStreams& streams, Simulator& sim,
                                 const RunHooks& hooks, std::uint32_t index);
  void FillStations(const Scenario& s, SimTime end, Report* r, std::vector<double>* busy) const;
  void FillReplicas(const Scenario& s, SimTime end, Report* r, std::vector<double>* busy) const;
  FleetReport FleetFigures(const FleetOptions& fleet, SimTime end, double window_s, std::vector<double> busy) const;

  SimDuration horizon_ = 0;
  std::vector<std::unique_ptr<ReplicaTally>> tallies_;
  std::vector<std::unique_ptr<Station>> stations_;     // generic stations, or
  std::vector<std::unique_ptr<LlmReplica>> replicas_;  // LLM replicas
  std::vector<std::unique_ptr<LoadProbe>> probes_;
  std::unique_ptr<Router> router_;  // fleet only
  std::unique_ptr<Path> path_;      // a request path instead of all of the above
  std::unique_ptr<DisaggSystem> disagg_;  // disaggregated only: then nothing above is used
  RequestTarget* target_ = nullptr;
};

}  // namespace fleetlab
