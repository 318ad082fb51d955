// Running a scenario: builds the simulated system from a Scenario, runs it to
// completion and measures it. Pure computation: no files, no printing, no
// global state; safe to call from several threads at once.
#pragma once

#include <atomic>
#include <functional>

#include "fleetlab/report.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

// Optional observers of a run.
struct RunHooks {
  // Receives an LLM replica's iterations and requests (ignored for the
  // generic station). Not owned.
  class Timeline* timeline = nullptr;
  // Receives every request as it leaves the system (request_log.h): from
  // each LLM replica of a fleet or of both disaggregated pools, or from the
  // run itself for stations and paths. Not owned.
  class RequestLog* requests = nullptr;
  // Cancellation: when set, the run reads it every kCancelCheckEvents
  // events and, once it is true, stops and fails with OutOfRange
  // ("cancelled"), freeing everything it built. Another thread may set it
  // (the lab server does, at a request's wall-time limit). Not owned.
  const std::atomic<bool>* cancel = nullptr;
  // Sample the KV block map of the replica whose heatmap the report
  // carries (a fleet's replica 0; the decode pool's replica 0 of a
  // disaggregated system) for ReportToJson(report, /*series=*/true)'s
  // kv_heatmap. Turn it on only when the series will be rendered (`run
  // --series`, the lab's /api/v1/run with "series": true): each sample walks
  // the block map, most of a run's time when nobody looks. Nothing else in
  // the report changes.
  bool kv_heatmap = false;
  // Called every kCancelCheckEvents events with the share of the run done
  // (requests sent of those planned, or simulated time of duration_s), 0..1,
  // from the run's thread; the command line's progress bar. Not owned.
  const std::function<void(double)>* progress = nullptr;
  static constexpr std::uint64_t kCancelCheckEvents = 4096;
};

// Runs `scenario` once. Fails if the system cannot be built (an LLM replica
// that does not fit), the run exceeds scenario.limits (OutOfRange), or it is
// cancelled through hooks.cancel (OutOfRange). A cancel flag does not change
// the result of a run that is not cancelled.
// REQUIRES: scenario came from ParseScenario (validated).
Result<Report> RunScenario(const Scenario& scenario, const RunHooks& hooks = {});

}  // namespace fleetlab
