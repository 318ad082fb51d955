#include "server/local_api.h"

#include <array>
#include <atomic>
#include <cmath>
#include <exception>
#include <limits>

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

LocalApi::Reply LocalApi::FrontierPoint(const std::string& body, std::size_t index) const {
  try {
    FrontierRequest request;
    if (auto e = ReadFrontierRequest(body, *ctx_, &request)) return ErrorReply(*e);
    auto rates = FrontierRates(request.scenario.scenario, request.options);
    if (!rates.ok()) return ErrorReply(RunError(rates.status(), false, 0, FieldPrefix(request.scenario)));
    if (index >= rates->size()) {
      return ErrorReply(BadRequest("", fmt::format("frontier point {}: the frontier has {} points", index, rates->size())));
    }
    auto report = RunFrontierPoint(request.scenario.scenario, (*rates)[index], nullptr);
    if (!report.ok()) return ErrorReply(RunError(report.status(), false, 0, FieldPrefix(request.scenario)));
    return {200, PointToJson(MakeFrontierPoint((*rates)[index], *report)).dump()};
  } catch (const std::exception& e) {
    return ErrorReply(ApiError{500, "internal", "", std::string("internal error: ") + e.what()});
  }
}

LocalApi::Reply LocalApi::FrontierFinish(const std::string& body, const std::string& points) const {
  try {
    FrontierRequest request;
    if (auto e = ReadFrontierRequest(body, *ctx_, &request)) return ErrorReply(*e);
    auto rates = FrontierRates(request.scenario.scenario, request.options);
    if (!rates.ok()) return ErrorReply(RunError(rates.status(), false, 0, FieldPrefix(request.scenario)));
    const json list = json::parse(points, nullptr, false);
    std::vector<fleetlab::FrontierPoint> figures(rates->size());
    bool ok = list.is_array() && list.size() == rates->size();
    for (std::size_t i = 0; ok && i < figures.size(); ++i) ok = PointFromJson(list[i], &figures[i]);
    if (!ok) {
      return ErrorReply(BadRequest("", fmt::format("frontier points: expected {} points as FrontierPoint gives them",
                                                   rates->size())));
    }
    const Frontier f = FinishFrontier(request.scenario.scenario, request.options, *std::move(rates), std::move(figures));
    return {200, FrontierToJson(f).dump(-1, ' ', false, json::error_handler_t::replace)};
  } catch (const std::exception& e) {
    return ErrorReply(ApiError{500, "internal", "", std::string("internal error: ") + e.what()});
  }
}

}  // namespace fleetlab::server
