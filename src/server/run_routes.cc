// POST /api/v1/run: one scenario (a track part or a full scenario, with
// overrides), the report exactly as `fleetlab run --json` prints it.
#include <chrono>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "server/scenario_request.h"

namespace fleetlab::server {

void AddRunRoutes(Router& router, ServerContext& ctx) {
  router.Add("POST", "/api/v1/run", [&ctx](const HttpRequest& req, HttpResponse& res) {
    Body body(req.body, {"track", "part", "scenario", "overrides", "series"});
    bool series = false;
    body.Bool("series", &series);
    ScenarioRequest request;
    if (auto e = ReadScenarioRequest(body, ctx, {}, &request)) return SendError(res, *e);
    res.deferred = [&ctx, request = std::move(request), series](JobContext& job, HttpResponse& res) {
      const double wall_s = ctx.options.bounds.max_wall_s;
      WallLimit wall(ctx.watchdog.get(), wall_s, job.cancel);
      RunHooks hooks;
      hooks.cancel = wall.flag();
      hooks.kv_heatmap = series;  // only a report with series shows the block map
      const auto start = std::chrono::steady_clock::now();
      auto report = RunScenario(request.scenario, hooks);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      if (!report.ok()) return SendError(res, RunError(report.status(), wall.expired(), wall_s, FieldPrefix(request)));
      SendJson(res, 200, nlohmann::json{{"report", ReportToJson(*report, series)}, {"wall_ms", ms}});
    };
  });
}

}  // namespace fleetlab::server
