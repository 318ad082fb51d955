#include "server/local_api.h"

#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>
#include <optional>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/frontier.h"
#include "server/frontier_request.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

LocalApi::Reply ErrorReply(const ApiError& e) { return {e.status, ErrorJson(e).dump(-1, ' ', false, json::error_handler_t::replace)}; }

// NaN (an undefined figure) travels as null, as in the frontier's JSON.
json Num(double x) { return std::isnan(x) ? json(nullptr) : json(x); }

// The numeric fields of a FrontierPoint, by name, for its JSON form.
template <typename Point>
auto NumberFields(Point& p) {
  using Field = decltype(&p.rate_per_s);
  return std::array<std::pair<const char*, Field>, 14>{{
      {"rate_per_s", &p.rate_per_s},       {"offered_load", &p.offered_load},
      {"throughput_rps", &p.throughput_rps}, {"utilization", &p.utilization},
      {"e2e_mean_ms", &p.e2e_mean_ms},     {"e2e_p50_ms", &p.e2e_p50_ms},
      {"e2e_p99_ms", &p.e2e_p99_ms},       {"e2e_p999_ms", &p.e2e_p999_ms},
      {"analytic_e2e_mean_ms", &p.analytic_e2e_mean_ms}, {"analytic_e2e_p99_ms", &p.analytic_e2e_p99_ms},
      {"ttft_p50_ms", &p.ttft_p50_ms},     {"ttft_p99_ms", &p.ttft_p99_ms},
      {"tpot_mean_ms", &p.tpot_mean_ms},   {"output_tokens_per_s", &p.output_tokens_per_s}}};
}

json PointToJson(const fleetlab::FrontierPoint& p) {
  json out = {{"stable", p.stable}, {"llm", p.llm}, {"analytic_method", p.analytic_method}, {"seed", p.seed}};
  for (const auto& [name, field] : NumberFields(p)) out[name] = Num(*field);
  return out;
}

// A point as PointToJson wrote it; false for anything else.
bool PointFromJson(const json& j, fleetlab::FrontierPoint* p) {
  if (!j.is_object() || j.size() != 18) return false;
  for (const auto& [name, field] : NumberFields(*p)) {
    const auto it = j.find(name);
    if (it == j.end() || !(it->is_number() || it->is_null())) return false;
    *field = it->is_null() ? std::numeric_limits<double>::quiet_NaN() : it->get<double>();
  }
  const auto stable = j.find("stable"), llm = j.find("llm"), method = j.find("analytic_method"), seed = j.find("seed");
  if (stable == j.end() || !stable->is_boolean() || llm == j.end() || !llm->is_boolean() || method == j.end() ||
      !method->is_string() || seed == j.end() || !seed->is_number_unsigned()) {
    return false;
  }
  p->stable = stable->get<bool>();
  p->llm = llm->get<bool>();
  p->analytic_method = method->get<std::string>();
  p->seed = seed->get<std::uint64_t>();
  return true;
}

json CapacityToJson(const fleetlab::FrontierCapacity& c) {
  return {{"capacity_per_s", c.per_s}, {"capacity_source", c.source}};
}

// A capacity as CapacityToJson wrote it (a finite rate > 0); false for anything else.
bool CapacityFromJson(const std::string& text, fleetlab::FrontierCapacity* c) {
  const json j = json::parse(text, nullptr, false);
  if (!j.is_object() || j.size() != 2) return false;
  const auto per_s = j.find("capacity_per_s"), source = j.find("capacity_source");
  if (per_s == j.end() || !per_s->is_number() || source == j.end() || !source->is_string()) return false;
  c->per_s = per_s->get<double>();
  c->source = source->get<std::string>();
  return c->per_s > 0 && std::isfinite(c->per_s);
}

// A point's or the finish's body and capacity, read and checked as /frontier
// reads and checks the body; on failure the reply to give.
std::optional<LocalApi::Reply> ReadPiece(const std::string& body, const std::string& capacity, const ServerContext& ctx,
                                         FrontierRequest* request, fleetlab::FrontierCapacity* c) {
  if (auto e = ReadFrontierRequest(body, ctx, request)) return ErrorReply(*e);
  if (Status s = CheckFrontier(request->scenario.scenario, request->options); !s.ok()) {
    return ErrorReply(RunError(s, false, 0, FieldPrefix(request->scenario)));
  }
  if (!CapacityFromJson(capacity, c)) {
    return ErrorReply(BadRequest("", "frontier capacity: expected {\"capacity_per_s\": a rate > 0, "
                                     "\"capacity_source\": text} as FrontierCapacity gives it"));
  }
  return std::nullopt;
}

}  // namespace

LocalApi::LocalApi(std::unique_ptr<ServerContext> ctx) : ctx_(std::move(ctx)), router_(GuardOptions{}) {
  AddApiRoutes(router_, *ctx_);
}

Result<std::unique_ptr<LocalApi>> LocalApi::Create(LabServerOptions options, const FileSet& catalog_files,
                                                   const FileSet& track_files) {
  auto catalog = Catalog::LoadFiles(catalog_files, "data");
  if (!catalog.ok()) return catalog.status().WithContext("catalog");
  auto tracks = LoadTracksFromFiles(track_files, "tracks", *catalog);
  if (!tracks.ok()) return tracks.status();
  auto ctx = std::make_unique<ServerContext>(std::move(options), std::move(catalog).value(), std::move(tracks).value(),
                                             std::map<std::string, std::string>{});
  return std::unique_ptr<LocalApi>(new LocalApi(std::move(ctx)));
}

LocalApi::Reply LocalApi::Call(const std::string& method, const std::string& path, const std::string& body) const {
  HttpRequest req;
  req.method = method;
  req.raw_path = path;
  req.headers = {{"host", "localhost"}, {"content-type", "application/json"}};
  req.body = body;
  HttpResponse res = router_.Handle(std::move(req));
  if (res.deferred) {
    std::atomic<bool> cancel{false};
    JobContext job{&cancel};
    Job run = std::move(res.deferred);
    res.deferred = nullptr;
    run(job, res);  // wrapped by the router: never throws
  }
  return {res.status, std::move(res.body)};
}

LocalApi::Reply LocalApi::FrontierCapacity(const std::string& body) const {
  try {
    FrontierRequest request;
    if (auto e = ReadFrontierRequest(body, *ctx_, &request)) return ErrorReply(*e);
    auto capacity = MeasureFrontierCapacity(request.scenario.scenario, request.options);
    if (!capacity.ok()) return ErrorReply(RunError(capacity.status(), false, 0, FieldPrefix(request.scenario)));
    return {200, CapacityToJson(*capacity).dump(-1, ' ', false, json::error_handler_t::replace)};
  } catch (const std::exception& e) {
    return ErrorReply(ApiError{500, "internal", "", std::string("internal error: ") + e.what()});
  }
}

LocalApi::Reply LocalApi::FrontierPoint(const std::string& body, const std::string& capacity, std::size_t index) const {
  try {
    FrontierRequest request;
    fleetlab::FrontierCapacity c;
    if (auto e = ReadPiece(body, capacity, *ctx_, &request, &c)) return *e;
    const std::vector<double> rates = FrontierRates(request.options, c.per_s);
    if (index >= rates.size()) {
      return ErrorReply(BadRequest("", fmt::format("frontier point {}: the frontier has {} points", index, rates.size())));
    }
    if (Status s = AdmitFrontierRates(ctx_->options.bounds, request.scenario.scenario, rates); !s.ok()) {
      return ErrorReply(RunError(s, false, 0, FieldPrefix(request.scenario)));
    }
    auto report = RunFrontierPoint(request.scenario.scenario, rates[index], nullptr);
    if (!report.ok()) return ErrorReply(RunError(report.status(), false, 0, FieldPrefix(request.scenario)));
    return {200, PointToJson(MakeFrontierPoint(rates[index], *report)).dump()};
  } catch (const std::exception& e) {
    return ErrorReply(ApiError{500, "internal", "", std::string("internal error: ") + e.what()});
  }
}

LocalApi::Reply LocalApi::FrontierFinish(const std::string& body, const std::string& capacity,
                                         const std::string& points) const {
  try {
    FrontierRequest request;
    fleetlab::FrontierCapacity c;
    if (auto e = ReadPiece(body, capacity, *ctx_, &request, &c)) return *e;
    std::vector<double> rates = FrontierRates(request.options, c.per_s);
    const json list = json::parse(points, nullptr, false);
    std::vector<fleetlab::FrontierPoint> figures(rates.size());
    bool ok = list.is_array() && list.size() == rates.size();
    for (std::size_t i = 0; ok && i < figures.size(); ++i) ok = PointFromJson(list[i], &figures[i]);
    if (!ok) {
      return ErrorReply(BadRequest("", fmt::format("frontier points: expected {} points as FrontierPoint gives them",
                                                   rates.size())));
    }
    const auto f = FinishFrontier(request.scenario.scenario, request.options, std::move(c), std::move(rates),
                                  std::move(figures));
    if (!f.ok()) return ErrorReply(RunError(f.status(), false, 0, FieldPrefix(request.scenario)));
    return {200, FrontierToJson(*f).dump(-1, ' ', false, json::error_handler_t::replace)};
  } catch (const std::exception& e) {
    return ErrorReply(ApiError{500, "internal", "", std::string("internal error: ") + e.what()});
  }
}

}  // namespace fleetlab::server
