// The scenario a /run, /frontier or /answer body names: a track part or a
// full scenario, with overrides, parsed and checked against RunBounds.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/scenario/scenario.h"
#include "server/api.h"
#include "server/context.h"

namespace fleetlab::server {

struct ScenarioRequest {
  const TrackPart* part = nullptr;         // when the body named a track part
  std::vector<std::string> overrides;      // "path=JSON", as --set takes them
  nlohmann::json doc;                      // the scenario document, overrides applied
  Scenario scenario;                       // parsed; limits.max_events capped
};

// Reads "track"+"part" or "scenario", and "overrides", from `body`, then
// applies `extra` overrides (server-chosen, e.g. workload.requests), parses
// and checks the bounds. On failure returns the error (400/404/422).
std::optional<ApiError> ReadScenarioRequest(Body& body, const ServerContext& ctx,
                                            const std::vector<std::string>& extra, ScenarioRequest* out);

// The one place every simulation a request asks for is bounded (run, each
// frontier point's base, each run of an answer): refuses a scenario over
// the bounds with OutOfRange naming the field, and lowers its
// limits.max_events to the server's.
Status AdmitScenario(const RunBounds& bounds, Scenario* scenario);

// The simulated requests a scenario sends (EstimateRun: rate x duration
// when timed, an upper bound for a timed closed loop).
double PlannedRequests(const Scenario& s);

// A run's failure as an API error: a reached bound or cancellation is
// limit_exceeded, a replica that does not fit is refused. Fields get
// `field_prefix` ("scenario." when the body held the scenario).
ApiError RunError(const Status& status, bool wall_expired, double wall_s, const std::string& field_prefix = "");

// The prefix of scenario fields in error replies for this request.
inline std::string FieldPrefix(const ScenarioRequest& r) { return r.part == nullptr ? "scenario." : ""; }

}  // namespace fleetlab::server
