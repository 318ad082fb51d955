// SystemUnderLoad: the system a run loads, built from a scenario and
// attached to a simulator. One implementation per shape (SystemShape), one
// shape per kind of Scenario::system (scenario/system.h); BuildSystem is the
// one place that decides which, by visiting that variant. The runner and the
// collector see only this interface.
#pragma once

#include <memory>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/report.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

class SystemUnderLoad {
 public:
  virtual ~SystemUnderLoad() = default;

  // Where requests enter: a router, or the lone station or replica, or the
  // path's first stage.
  virtual RequestTarget* target() const = 0;
  // Requests in the system now (running + queued, everywhere in it).
  virtual double InSystemNow() const = 0;
  // Starts every part's time-weighted statistics afresh at `now` (the
  // first measured arrival).
  virtual void ResetStatistics(SimTime now) = 0;
  // Ends the window's rates and time averages at `now` (the last arrival).
  // Returns false where the figures run to the end of the run instead (a
  // request path: its drain is the last request's exit).
  virtual bool CloseWindow(SimTime now) = 0;
  // Fills capacity, utilisation, queue and batch figures and the shape's
  // own parts of `r` (LLM, fleet, path, disaggregation) for the window
  // ending at `end`. REQUIRES: r->window_s is set (and r->completed, for a
  // request path).
  virtual void Fill(const Scenario& s, SimTime end, Report* r) const = 0;
};

// The shapes a scenario's system takes.
enum class SystemShape {
  kStationFleet,   // one generic station, or N behind a router
  kLlmFleet,       // one LLM replica, or N behind a router
  kRequestPath,    // "path": links, pools, fan-outs (path/path.h)
  kDisaggregated,  // "disaggregation": prefill and decode pools and the KV link
};

// The shape of `s`'s system. REQUIRES: s validated.
SystemShape ShapeOf(const Scenario& s);

// Builds and attaches the system for `s`; `listener` hears every
// completion and drop; `horizon` is the expected measurement window (0 if
// unknown). Replica i draws from its own streams (Stream(StreamId::kService,
// i), Stream(StreamId::kAcceptance, i)); a router from
// Stream(StreamId::kRouting). Fails if an LLM replica cannot be built.
// REQUIRES: s validated; listener, streams, sim and the hooks' targets
// outlive the system.
Result<std::unique_ptr<SystemUnderLoad>> BuildSystem(const Scenario& s, const RandomStreams& streams, Simulator& sim,
                                                     CompletionListener* listener, const RunHooks& hooks,
                                                     SimDuration horizon);

}  // namespace fleetlab
