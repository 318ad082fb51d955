// A /frontier body, read and checked: the scenario (a track part or a full
// scenario, with overrides, within the bounds) and the frontier's options.
// The route and the in-process API's frontier in pieces (local_api.h) both
// read bodies here, so they accept and refuse the same ones.
#pragma once

#include <optional>
#include <string>

#include "fleetlab/frontier.h"
#include "server/scenario_request.h"

namespace fleetlab::server {

struct FrontierRequest {
  ScenarioRequest scenario;
  FrontierOptions options;
};

// On failure the error /frontier answers (400/404/422).
std::optional<ApiError> ReadFrontierRequest(const std::string& body, const ServerContext& ctx, FrontierRequest* out);

// Every point of a frontier is a run the server bounds (AdmitScenario): the
// base at each of `rates` (with workload.duration_s a rate sets the
// requests), and all of them together (plus a request path's unloaded
// run) within bounds.max_frontier_requests. OutOfRange naming the scenario
// field to change otherwise.
Status AdmitFrontierRates(const RunBounds& bounds, const Scenario& base, const std::vector<double>& rates);

}  // namespace fleetlab::server
