// POST /api/v1/sweep and /api/v1/size: a sweep's rows (docs/sweep.md) and a
// sizing search, under the same bounds as every run: the scenarios inline
// (no field names a file; traces from the operator's folder), each point's
// run admitted by AdmitScenario's checks, the work refused up front by its
// estimate, one worker, and cancelled at the wall-time limit or when the
// client leaves.
#include <atomic>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/scenario/parse.h"
#include "fleetlab/sweep/sizing.h"
#include "fleetlab/sweep/sweep_rows.h"
#include "fleetlab/sweep/sweep_runner.h"
#include "server/scenario_request.h"
#include "server/watchdog.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

// Bisection runs a sizing candidate may take before its fleet (the
// bracket's two ends and about six halvings of it, sizing.h): the estimate
// the refusal uses.
constexpr std::uint64_t kRunsPerCandidate = 10;

// A point's failure, naming the scenario field under sweep.base and then
// the point: "sweep.base.replica.tp: ... (sweep point 2: replica.tp=3)".
ApiError PointError(const Status& status, const SweepSpec& spec, const SweepPoint& point) {
  ApiError e = FromStatus(status, "invalid_field", "sweep.base.");
  std::string values;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    values += fmt::format("{}{}={}", a ? ", " : "", spec.axes[a].path, point.values[a].dump());
  }
  e.message += fmt::format(" (sweep point {}: {})", point.index, values);
  return e;
}

// Every point (at most max_sweep_points, ParseSweep) parses with the
// server's options and passes AdmitScenario; their planned requests add up
// to at most max_sweep_requests; and all that within the request's wall
// limit, on its worker (a point's station models may take a quarter of a
// second to price, 200 points a minute: on the I/O threads that held every
// other request, health included, for 10 s a sweep).
std::optional<ApiError> AdmitSweep(const ServerContext& ctx, const SweepSpec& spec, const WallLimit& wall) {
  const RunBounds& b = ctx.options.bounds;
  ParseOptions options;
  options.catalog = &ctx.catalog;
  options.allow_files = spec.allow_files;
  options.named_traces = spec.named_traces;
  double total = 0;
  const std::vector<SweepPoint> points = ExpandSweep(spec);
  for (const SweepPoint& p : points) {
    if (wall.expired() || wall.flag()->load()) {  // past the limit, or the client left
      return LimitExceeded("sweep.axes", fmt::format("sweep.axes: checking the points took over this server's "
                                                     "wall-time limit of {:.1f} s by point {} of {}; sweep fewer "
                                                     "points or a smaller base", b.max_wall_s, p.index,
                                                     points.size()));
    }
    auto doc = PointDocument(spec, p);
    auto s = doc.ok() ? ParseScenario(*doc, options) : Result<Scenario>(doc.status());
    if (!s.ok()) return PointError(s.status(), spec, p);
    if (Status a = AdmitScenario(b, &*s); !a.ok()) return PointError(a, spec, p);
    total += PlannedRequests(*s);
  }
  if (total > static_cast<double>(b.max_sweep_requests)) {
    return LimitExceeded("sweep.base.workload.requests",
                         fmt::format("sweep.base.workload.requests: the points would simulate {:.0f} requests in "
                                     "all; this server allows {} a sweep", total, b.max_sweep_requests));
  }
  return std::nullopt;
}

void SweepRoute(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  Body body(req.body, {"sweep"});
  const json* doc = body.ok() ? body.Object("sweep") : nullptr;
  if (!body.ok()) return SendError(res, *body.error());
  if (doc == nullptr) return SendError(res, BadRequest("sweep", "sweep: required, a sweep document (docs/sweep.md)"));
  if (doc->contains("base") && !(*doc)["base"].is_object()) {
    return SendError(res, Unprocessable("sweep.base", "sweep.base: must be an inline scenario object here (no field "
                                                      "may name a file)"));
  }
  auto spec = ParseSweep(*doc, "", std::min<std::uint64_t>(ctx.options.bounds.max_sweep_points, kMaxSweepPoints));
  if (!spec.ok()) return SendError(res, FromStatus(spec.status(), "invalid_field", "sweep."));
  spec->allow_files = false;
  spec->named_traces = &ctx.traces;
  res.deferred = [&ctx, spec = std::move(spec).value()](JobContext& job, HttpResponse& res) {
    const double wall_s = ctx.options.bounds.max_wall_s;
    WallLimit wall(ctx.watchdog.get(), wall_s, job.cancel);
    if (auto e = AdmitSweep(ctx, spec, wall)) return SendError(res, *e);
    SweepRunOptions o;
    o.threads = 1;  // the server's workers share the cores
    o.cancel = wall.flag();
    o.max_events_per_point = ctx.options.bounds.max_events;
    o.max_bytes_per_point = ctx.options.bounds.max_bytes;
    o.catalog = &ctx.catalog;
    auto out = RunSweep(spec, o);
    auto rows = out.ok() ? RowsAsObjects(SweepFormat::kCsv, spec, out->table) : Result<json>(out.status());
    if (!rows.ok()) return SendError(res, RunError(rows.status(), wall.expired(), wall_s, "sweep.base."));
    SendJson(res, 200, json{{"points", rows->size()}, {"rows", std::move(rows).value()}});
  };
}

std::optional<ApiError> AdmitSizing(const RunBounds& b, const SizingSpec& spec) {
  const SizingSearch& s = spec.search;  // ParseSizing bounds each list, so no product overflows
  const std::size_t candidates = spec.gpus.size() * s.tp.size() * s.pp.size() * s.max_running.size() *
                                 s.max_batch_tokens.size() * ((s.colocated ? 1 : 0) + s.pd_ratios.size());
  if (candidates > b.max_size_candidates) {
    return LimitExceeded("question.search", fmt::format("question.search: {} candidates; this server searches at "
                                                        "most {}", candidates, b.max_size_candidates));
  }
  if (spec.requests > b.max_requests || spec.max_fleet_requests > b.max_requests) {
    return LimitExceeded(spec.requests > b.max_requests ? "question.requests" : "question.max_fleet_requests",
                         fmt::format("question.requests and max_fleet_requests: at most {} a run here", b.max_requests));
  }
  const double estimate = static_cast<double>(candidates * kRunsPerCandidate * spec.requests);
  if (estimate > static_cast<double>(b.max_size_requests)) {
    return LimitExceeded("question.requests",
                         fmt::format("question.requests: {} candidates x {} bisection runs x {} requests = {:.0f} "
                                     "simulated requests; this server allows {} a search (narrow the search or lower "
                                     "requests)", candidates, kRunsPerCandidate, spec.requests, estimate,
                                     b.max_size_requests));
  }
  return std::nullopt;
}

void SizeRoute(ServerContext& ctx, const HttpRequest& req, HttpResponse& res) {
  Body body(req.body, {"question"});
  const json* doc = body.ok() ? body.Object("question") : nullptr;
  if (!body.ok()) return SendError(res, *body.error());
  if (doc == nullptr) {
    return SendError(res, BadRequest("question", "question: required, a sizing document (docs/sweep.md, \"Sizing\")"));
  }
  ParseOptions parse;
  parse.catalog = &ctx.catalog;
  parse.allow_files = false;
  parse.named_traces = &ctx.traces;
  auto spec = ParseSizing(*doc, parse);
  if (!spec.ok()) return SendError(res, FromStatus(spec.status(), "invalid_field", "question."));
  if (auto e = AdmitSizing(ctx.options.bounds, *spec)) return SendError(res, *e);
  const std::uint64_t events = spec->base.value("limits", json::object()).value("max_events", ctx.options.bounds.max_events);
  spec->base["limits"]["max_events"] = std::min<std::uint64_t>(events, ctx.options.bounds.max_events);
  res.deferred = [&ctx, spec = std::move(spec).value()](JobContext& job, HttpResponse& res) {
    const RunBounds& b = ctx.options.bounds;
    WallLimit wall(ctx.watchdog.get(), b.max_wall_s, job.cancel);
    SizingOptions o;
    o.threads = 1;
    o.cancel = wall.flag();
    o.max_bytes_per_run = b.max_bytes;
    auto out = RunSizing(spec, o);
    if (!out.ok()) return SendError(res, RunError(out.status(), wall.expired(), b.max_wall_s, "question."));
    SendJson(res, 200, SizingToJson(spec, *out));
  };
}

}  // namespace

void AddPlannerRoutes(Router& router, ServerContext& ctx) {
  router.Add("POST", "/api/v1/sweep", [&ctx](const HttpRequest& req, HttpResponse& res) { SweepRoute(ctx, req, res); });
  router.Add("POST", "/api/v1/size", [&ctx](const HttpRequest& req, HttpResponse& res) { SizeRoute(ctx, req, res); });
}

}  // namespace fleetlab::server
