// POST /api/v1/answer: the engine's answer to a part's question for the
// student's settings (AnswerPart, through LabServerOptions::answer).
#include <fmt/format.h>

#include "server/scenario_request.h"

namespace fleetlab::server {

void AddAnswerRoutes(httplib::Server& http, ServerContext& ctx) {
  http.Post("/api/v1/answer", [&ctx](const httplib::Request& req, httplib::Response& res) {
    Body body(req.body, {"track", "part", "overrides"});
    if (body.ok() && !body.Has("track")) body.Fail(BadRequest("track", "track: required"));
    // Parsing the part with the overrides checks them and the bounds before
    // any work is queued.
    ScenarioRequest request;
    if (auto e = ReadScenarioRequest(body, ctx, {}, &request)) return SendError(res, *e);
    if (!ctx.options.answer) {
      return SendError(res, ApiError{501, "not_implemented", "", "this server was built without the answer engine"});
    }
    WithWorker(ctx, res, [&] {
      auto answer = ctx.options.answer(*request.part, request.overrides);
      if (!answer.ok()) return SendError(res, RunError(answer.status(), false, 0));
      SendJson(res, 200, nlohmann::json{{"choice", answer->choice}, {"value", answer->value},
                                        {"reason", answer->reason}, {"evidence", answer->evidence}});
    });
  });
}

}  // namespace fleetlab::server
