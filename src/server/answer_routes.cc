// POST /api/v1/answer: the engine's answer to a part's question for the
// student's settings (AnswerPart, through LabServerOptions::answer), every
// run it makes bounded like /run (AdmitScenario, the wall-time limit).
#include <fmt/format.h>

#include "server/scenario_request.h"

namespace fleetlab::server {

void AddAnswerRoutes(Router& router, ServerContext& ctx) {
  router.Add("POST", "/api/v1/answer", [&ctx](const HttpRequest& req, HttpResponse& res) {
    Body body(req.body, {"track", "part", "overrides"});
    if (body.ok() && !body.Has("track")) body.Fail(BadRequest("track", "track: required"));
    // Parsing the part with the overrides checks them and the bounds before
    // any work is queued.
    ScenarioRequest request;
    if (auto e = ReadScenarioRequest(body, ctx, {}, &request)) return SendError(res, *e);
    if (!ctx.options.answer) {
      return SendError(res, ApiError{501, "not_implemented", "", "this server was built without the answer engine"});
    }
    res.deferred = [&ctx, request = std::move(request)](JobContext& job, HttpResponse& res) {
      const double wall_s = ctx.options.bounds.max_wall_s;
      WallLimit wall(ctx.watchdog.get(), wall_s, job.cancel);
      AnswerHooks hooks;
      hooks.cancel = wall.flag();
      hooks.catalog = &ctx.catalog;
      hooks.admit = [&ctx](Scenario& s) { return AdmitScenario(ctx.options.bounds, &s); };
      auto answer = ctx.options.answer(*request.part, request.overrides, hooks);
      if (!answer.ok()) return SendError(res, RunError(answer.status(), wall.expired(), wall_s));
      SendJson(res, 200, nlohmann::json{{"choice", answer->choice}, {"value", answer->value},
                                        {"reason", answer->reason}, {"evidence", answer->evidence}});
    };
  });
}

}  // namespace fleetlab::server
