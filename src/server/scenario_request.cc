#include "server/scenario_request.h"

#include <cctype>

#include <fmt/format.h>

#include "fleetlab/scenario/parse.h"
#include "fleetlab/run_estimate.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxOverrides = 64;
constexpr std::size_t kMaxPathLength = 128;

// A --set dot path: segments of [A-Za-z0-9_], none empty.
bool ValidPath(const std::string& path) {
  if (path.empty() || path.size() > kMaxPathLength || path.front() == '.' || path.back() == '.') return false;
  char previous = '.';
  for (char c : path) {
    const bool word = std::isalnum(static_cast<unsigned char>(c)) || c == '_';
    if (!word && (c != '.' || previous == '.')) return false;
    previous = c;
  }
  return true;
}

std::optional<ApiError> ReadOverrides(Body& body, std::vector<std::string>* out) {
  const json* o = body.Object("overrides");
  if (!body.ok()) return body.error();
  if (o == nullptr) return std::nullopt;
  if (o->size() > kMaxOverrides) {
    return LimitExceeded("overrides", fmt::format("overrides: at most {} (got {})", kMaxOverrides, o->size()));
  }
  for (const auto& [path, value] : o->items()) {
    const std::string field = "overrides." + path;
    if (!ValidPath(path)) {
      return BadRequest(field, fmt::format("{}: not a dot path of field names (letters, digits, _)", field));
    }
    out->push_back(path + "=" + value.dump());
  }
  return std::nullopt;
}

std::optional<ApiError> ReadSource(Body& body, const ServerContext& ctx, ScenarioRequest* out) {
  const bool named = body.Has("track") || body.Has("part");
  if (named && body.Has("scenario")) {
    return BadRequest("scenario", "scenario: give either \"track\" and \"part\" or \"scenario\", not both");
  }
  if (!named) {
    const json* s = body.Object("scenario");
    if (!body.ok()) return body.error();
    if (s == nullptr) return BadRequest("track", "track: required (with \"part\"), or a \"scenario\" object");
    out->doc = *s;
    return std::nullopt;
  }
  std::string track, part;
  if (!body.String("track", &track, true) || !body.String("part", &part, true)) return body.error();
  ApiError error;
  out->part = ctx.FindPart(track, part, &error);
  if (out->part == nullptr) return error;
  out->doc = out->part->document;
  return std::nullopt;
}

}  // namespace

double PlannedRequests(const Scenario& s) { return EstimateRun(s).requests; }

std::optional<ApiError> ReadScenarioRequest(Body& body, const ServerContext& ctx,
                                            const std::vector<std::string>& extra, ScenarioRequest* out) {
  if (!body.ok()) return body.error();
  if (auto e = ReadSource(body, ctx, out)) return e;
  if (auto e = ReadOverrides(body, &out->overrides)) return e;
  out->overrides.insert(out->overrides.end(), extra.begin(), extra.end());
  const std::string prefix = FieldPrefix(*out);
  for (const std::string& o : out->overrides) {
    if (Status s = ApplyOverride(out->doc, o); !s.ok()) {
      const std::string path = o.substr(0, o.find('='));
      return Unprocessable("overrides." + path, s.message());
    }
  }
  if (out->part != nullptr) {  // the part's resource budget (replicas x TP x PP <= 8 GPUs)
    const BudgetCheck b = CheckBudget(*out->part, out->doc, out->overrides);
    if (!b.ok) return ApiError{422, "refused", b.field, b.message};
  }
  // No field may name a file, whatever the request's shape: traces come
  // inline (trace_data) or from the operator's folder.
  ParseOptions parse;
  parse.catalog = &ctx.catalog;
  parse.allow_files = false;
  parse.named_traces = &ctx.traces;
  auto parsed = ParseScenario(out->doc, parse);
  if (!parsed.ok()) return FromStatus(parsed.status(), "invalid_field", prefix);
  out->scenario = std::move(parsed).value();
  if (Status s = AdmitScenario(ctx.options.bounds, &out->scenario); !s.ok()) return FromStatus(s);
  return std::nullopt;
}

Status AdmitScenario(const RunBounds& b, Scenario* s) {
  const double planned = PlannedRequests(*s);
  if (planned > static_cast<double>(b.max_requests)) {
    const char* field = s->workload.duration_s > 0 ? "workload.duration_s" : "workload.requests";
    return Status::OutOfRange(fmt::format("{}: the run would simulate {:.0f} requests; this server allows at most {} "
                                          "per run", field, planned, b.max_requests));
  }
  if (Status m = CheckRunEstimate(*s, b.max_bytes, "this server"); !m.ok()) return Status::OutOfRange(m.message());
  s->limits.max_events = std::min(s->limits.max_events, b.max_events);
  return Status::Ok();
}

ApiError RunError(const Status& status, bool wall_expired, double wall_s, const std::string& field_prefix) {
  if (wall_expired) {
    return LimitExceeded("", fmt::format("the simulation ran past this server's wall-time limit of {:.1f} s and was "
                                         "cancelled; ask for fewer requests or a smaller system", wall_s));
  }
  if (status.code() == Status::Code::kOutOfRange && status.message().find("max_events") != std::string::npos) {
    return LimitExceeded(field_prefix + "limits.max_events", status.message());
  }
  return FromStatus(status, "refused", field_prefix);
}

}  // namespace fleetlab::server
