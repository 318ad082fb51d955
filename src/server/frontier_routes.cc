// POST /api/v1/frontier: the latency-throughput frontier of a scenario,
// exactly as `fleetlab frontier --json` prints it.
#include <variant>

#include <fmt/format.h>

#include "server/frontier_request.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

// "rates": {"low", "high", "points"}; "metric"; "knee_factor".
std::optional<ApiError> ReadFrontierOptions(Body& body, const RunBounds& bounds, FrontierOptions* o) {
  const json* rates = body.Object("rates");
  if (!body.ok()) return body.error();
  if (rates == nullptr) {
    return BadRequest("rates", "rates: required, {\"low\": req/s, \"high\": req/s, \"points\": N} or "
                               "{\"low_load\", \"high_load\", \"points\"} (fractions of the measured capacity)");
  }
  Body r(rates->dump(), {"low", "high", "low_load", "high_load", "points"});
  std::int64_t points = 0;
  const bool loads = rates->is_object() && rates->contains("high_load");
  if (loads) {
    r.Number("low_load", &o->load_low, 1e-6, 10, true);
    r.Number("high_load", &o->load_high, 1e-6, 10, true);
  } else {
    r.Number("low", &o->rate_low_per_s, 1e-6, 1e9, true);
    r.Number("high", &o->rate_high_per_s, 1e-6, 1e9, true);
  }
  r.Integer("points", &points, 2, static_cast<std::int64_t>(bounds.max_frontier_points), true);
  if (!r.ok()) {
    ApiError e = *r.error();
    e.field = "rates." + e.field;
    e.message = "rates." + e.message;
    return e;
  }
  if (loads && o->load_high <= o->load_low) {
    return Unprocessable("rates.high_load", fmt::format("rates.high_load: must be > rates.low_load = {} (got {})",
                                                        o->load_low, o->load_high));
  }
  if (!loads && o->rate_high_per_s <= o->rate_low_per_s) {
    return Unprocessable("rates.high", fmt::format("rates.high: must be > rates.low = {} (got {})", o->rate_low_per_s,
                                                   o->rate_high_per_s));
  }
  o->points = static_cast<std::size_t>(points);
  std::string metric = "e2e";
  body.String("metric", &metric);
  body.Number("knee_factor", &o->knee_factor, 1.0001, 1e6);
  if (!body.ok()) return body.error();
  if (metric != "e2e" && metric != "ttft") {
    return Unprocessable("metric", fmt::format("metric: must be \"e2e\" or \"ttft\" (got \"{}\")", metric));
  }
  o->metric = metric == "ttft" ? FrontierMetric::kTtft : FrontierMetric::kE2e;
  return std::nullopt;
}

}  // namespace

Status AdmitFrontierRates(const RunBounds& bounds, const Scenario& base, const std::vector<double>& rates) {
  const bool path = std::holds_alternative<RequestPath>(base.system);
  double total = path ? static_cast<double>(kUnloadedPathRequests) : 0.0;
  Scenario at = base;  // one copy (an inline trace may be large), at each rate in turn
  for (double rate : rates) {
    at.workload.arrival.rate_per_s = rate;
    if (Status s = AdmitScenario(bounds, &at); !s.ok()) {
      return Status::OutOfRange(fmt::format("{} (the frontier's point at {:g} req/s)", s.message(), rate));
    }
    total += PlannedRequests(at);
  }
  if (total > static_cast<double>(bounds.max_frontier_requests)) {
    const char* field = base.workload.duration_s > 0 ? "workload.duration_s" : "workload.requests";
    return Status::OutOfRange(fmt::format("{}: the frontier's {} points would simulate {:.0f} requests in all{}; this "
                                          "server allows at most {} per frontier", field, rates.size(), total,
                                          path ? " (with the path's unloaded run)" : "",
                                          bounds.max_frontier_requests));
  }
  return Status::Ok();
}

std::optional<ApiError> ReadFrontierRequest(const std::string& text, const ServerContext& ctx, FrontierRequest* out) {
  const RunBounds& bounds = ctx.options.bounds;
  Body body(text, {"track", "part", "scenario", "overrides", "rates", "metric", "knee_factor", "requests"});
  if (auto e = body.ok() ? ReadFrontierOptions(body, bounds, &out->options) : body.error()) return e;
  std::int64_t requests = 0;
  body.Integer("requests", &requests, 1, static_cast<std::int64_t>(bounds.max_requests));
  std::vector<std::string> extra;
  if (requests > 0) extra.push_back(fmt::format("workload.requests={}", requests));
  if (auto e = ReadScenarioRequest(body, ctx, extra, &out->scenario)) return e;
  const Scenario& scenario = out->scenario.scenario;
  const double total = PlannedRequests(scenario) * static_cast<double>(out->options.points);
  if (total > static_cast<double>(bounds.max_frontier_requests)) {
    return LimitExceeded("requests", fmt::format("requests: {} points x {:.0f} requests exceed this server's {} "
                                                 "simulated requests per frontier",
                                                 out->options.points, PlannedRequests(scenario),
                                                 bounds.max_frontier_requests));
  }
  // With rates given, every point is known now; with loads, once the
  // capacity is measured (FrontierOptions::admit_rates, in the job).
  if (out->options.load_high == 0) {
    Status s = AdmitFrontierRates(bounds, scenario, FrontierRates(out->options, 0));
    if (!s.ok()) return RunError(s, false, 0, FieldPrefix(out->scenario));
  }
  return std::nullopt;
}

void AddFrontierRoutes(Router& router, ServerContext& ctx) {
  router.Add("POST", "/api/v1/frontier", [&ctx](const HttpRequest& req, HttpResponse& res) {
    FrontierRequest request;
    if (auto e = ReadFrontierRequest(req.body, ctx, &request)) return SendError(res, *e);
    res.deferred = [&ctx, request = std::move(request)](JobContext& job, HttpResponse& res) mutable {
      const RunBounds& bounds = ctx.options.bounds;
      WallLimit wall(ctx.watchdog.get(), bounds.max_wall_s, job.cancel);
      request.options.cancel = wall.flag();
      request.options.admit_rates = [&bounds, &base = request.scenario.scenario](const std::vector<double>& rates) {
        return AdmitFrontierRates(bounds, base, rates);
      };
      auto frontier = RunFrontier(request.scenario.scenario, request.options);
      if (!frontier.ok()) {
        return SendError(res, RunError(frontier.status(), wall.expired(), bounds.max_wall_s, FieldPrefix(request.scenario)));
      }
      SendJson(res, 200, FrontierToJson(*frontier));
    };
  });
}

}  // namespace fleetlab::server
