// GET /api/v1/tracks and /api/v1/tracks/{track}/{part}.
#include <fmt/format.h>

#include "fleetlab/scenario/parse.h"
#include "server/context.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

json ControlJson(const TrackControl& c) {
  // Every field always (min/max/step are 0 unless kind "range", options []
  // unless kind "select"), so a typed client needs no optional fields.
  return {{"path", c.path}, {"label", c.label}, {"kind", c.kind}, {"unit", c.unit}, {"min", c.min},
          {"max", c.max}, {"step", c.step}, {"options", c.options}, {"labels", c.labels}, {"when", c.when},
          {"when_text", c.when_text}, {"value", c.value}};
}

json TrackJson(const Track& t) {
  json parts = json::array();
  for (const TrackPart& p : t.parts) parts.push_back(PartJson(p));
  return {{"id", t.id}, {"name", t.name}, {"persona", t.persona}, {"north_star", t.north_star},
          {"crisis", t.crisis}, {"parts", parts}};
}

}  // namespace

json PartJson(const TrackPart& p) {
  json choices = json::array(), controls = json::array();
  for (const TrackChoice& c : p.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
  for (const TrackControl& c : p.controls) controls.push_back(ControlJson(c));
  return {{"track", p.track}, {"id", p.id}, {"number", p.number}, {"title", p.title},
          {"question", p.question}, {"question_kind", p.question_kind}, {"choices", choices},
          {"unit", p.unit}, {"controls", controls}, {"instruments", p.instruments},
          {"target", p.target}, {"challenge", p.challenge}, {"reflection", p.reflection},
          {"frontier", p.frontier}, {"budget", p.budget}, {"math", p.math}, {"cost", p.cost},
          {"figures", p.figures}};
}

void AddTrackRoutes(Router& router, ServerContext& ctx) {
  json all = json::array();
  for (const Track& t : ctx.tracks) all.push_back(TrackJson(t));
  const std::string tracks = json{{"tracks", all}}.dump();
  router.Add("GET", "/api/v1/tracks", [tracks](const HttpRequest&, HttpResponse& res) {
    SendJsonText(res, 200, tracks);
  });
  router.Add("GET", "/api/v1/tracks/*/*", [&ctx](const HttpRequest& req, HttpResponse& res) {
    ApiError error;
    const TrackPart* part = ctx.FindPart(req.params[0], req.params[1], &error);
    if (part == nullptr) return SendError(res, error);
    json out = PartJson(*part);
    json scenario = part->document;
    scenario.erase("lab");
    out["scenario"] = std::move(scenario);
    SendJson(res, 200, out);
  });
}

}  // namespace fleetlab::server
