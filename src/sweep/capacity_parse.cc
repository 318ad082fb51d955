#include <cmath>
#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "fleetlab/scenario/parse.h"
#include "fleetlab/sweep/capacity.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;

Status ParseRate(const json& v, CapacitySpec* spec) {
  FieldReader r(v, "rate");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Rate("low", &spec->rate_low_per_s));
  FLEETLAB_RETURN_IF_ERROR(r.Rate("high", &spec->rate_high_per_s));
  FLEETLAB_RETURN_IF_ERROR(r.Rate("tolerance_per_s", &spec->tolerance_per_s));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (!(spec->rate_high_per_s > spec->rate_low_per_s)) {
    return Status::InvalidArgument(fmt::format("rate.high: must be > rate.low ({}) (got {})", spec->rate_low_per_s,
                                               spec->rate_high_per_s));
  }
  return Status::Ok();
}

Status ParseConfig(const json& v, const std::string& path, CapacityConfig* c) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &c->name));
  const json* set = r.Child("set");
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (c->name.empty()) return Status::InvalidArgument(fmt::format("{}.name: missing; give each configuration a name", path));
  if (set && !set->is_object()) {
    return Status::InvalidArgument(fmt::format("{}.set: must be an object of \"field.path\": value {}", path, Got(*set)));
  }
  if (set) {
    for (const auto& [key, value] : set->items()) c->set.emplace_back(key, value);
  }
  return Status::Ok();
}

Status ParseBase(const json& base, const std::string& dir, CapacitySpec* spec) {
  if (base.is_object()) {
    spec->base = base;
    spec->base_dir = dir;
    return Status::Ok();
  }
  if (!base.is_string()) return Status::InvalidArgument("base: must be a scenario file path or an object " + Got(base));
  std::filesystem::path p(base.get<std::string>());
  if (p.is_relative() && !dir.empty()) p = std::filesystem::path(dir) / p;
  auto read = ReadJsonFile(p.string(), "scenario file");
  if (!read.ok()) return read.status().WithContext("base");
  spec->base = std::move(read).value();
  spec->base_dir = p.parent_path().string();
  return Status::Ok();
}

// Every configuration's scenario must parse and be open-loop.
Status CheckConfigs(const CapacitySpec& spec) {
  for (std::size_t i = 0; i < spec.configs.size(); ++i) {
    const CapacityConfig& c = spec.configs[i];
    json doc = spec.base;
    const std::string where = fmt::format("configurations[{}] ({})", i, c.name);
    for (const auto& [path, value] : c.set) FLEETLAB_RETURN_IF_ERROR(ApplyOverride(doc, path + "=" + value.dump()).WithContext(where));
    FLEETLAB_RETURN_IF_ERROR(ApplyOverride(doc, fmt::format("workload.arrival.rate_per_s={}", spec.rate_low_per_s)));
    auto s = ParseScenario(doc, spec.base_dir);
    if (!s.ok()) return s.status().WithContext(where);
    if (s->workload.mode != LoadMode::kOpen) {
      return Status::InvalidArgument(where + ": workload.mode: capacity needs an open-loop workload (\"open\"): the "
                                             "search varies workload.arrival.rate_per_s");
    }
  }
  return Status::Ok();
}

}  // namespace

Result<SloTarget> ParseSlo(const std::string& text, const std::string& field) {
  const auto bad = [&]() {
    return Status::InvalidArgument(fmt::format("{}: expected \"METRIC <= NUMBER\" or \"METRIC >= NUMBER\" with METRIC a "
                                               "report field such as latency_ms.ttft.p99 (got \"{}\")", field, text));
  };
  SloTarget t;
  t.text = text;
  std::size_t op = text.find("<=");
  if (op == std::string::npos) {
    op = text.find(">=");
    t.at_most = false;
  }
  if (op == std::string::npos) return bad();
  const auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t") + 1);
    return s;
  };
  t.metric = trim(text.substr(0, op));
  const std::string number = trim(text.substr(op + 2));
  char* end = nullptr;
  t.limit = std::strtod(number.c_str(), &end);
  if (t.metric.empty() || t.metric.find(' ') != std::string::npos || number.empty() || *end != '\0' ||
      !std::isfinite(t.limit)) {
    return bad();
  }
  return t;
}

Result<CapacitySpec> ParseCapacity(const json& doc, const std::string& dir) {
  CapacitySpec spec;
  FieldReader r(doc, "");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  const json* base = r.Child("base");
  if (!base) return Status::InvalidArgument("base: missing; give a scenario file path or an inline scenario");
  FLEETLAB_RETURN_IF_ERROR(ParseBase(*base, dir, &spec));
  std::string text;
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &text));
  FLEETLAB_RETURN_IF_ERROR(r.String("description", &text));
  FLEETLAB_RETURN_IF_ERROR(r.Rate("target_rate_per_s", &spec.target_rate_per_s, true));
  const json* slo = r.Child("slo");
  const json* rate = r.Child("rate");
  const json* configs = r.Child("configurations");
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (!slo || !slo->is_array() || slo->empty()) {
    return Status::InvalidArgument("slo: must be a non-empty list such as [\"latency_ms.ttft.p99 <= 500\"]");
  }
  for (std::size_t i = 0; i < slo->size(); ++i) {
    const std::string field = fmt::format("slo[{}]", i);
    if (!(*slo)[i].is_string()) return Status::InvalidArgument(field + ": must be a string " + Got((*slo)[i]));
    auto t = ParseSlo((*slo)[i].get<std::string>(), field);
    if (!t.ok()) return t.status();
    spec.slos.push_back(std::move(t).value());
  }
  if (!rate) return Status::InvalidArgument("rate: missing; give {\"low\": ..., \"high\": ..., \"tolerance_per_s\": ...}");
  FLEETLAB_RETURN_IF_ERROR(ParseRate(*rate, &spec));
  if (configs && (!configs->is_array() || configs->empty())) {
    return Status::InvalidArgument("configurations: must be a non-empty list of {\"name\": ..., \"set\": {...}}");
  }
  if (!configs) spec.configs.push_back({"base", {}});
  for (std::size_t i = 0; configs && i < configs->size(); ++i) {
    CapacityConfig c;
    FLEETLAB_RETURN_IF_ERROR(ParseConfig((*configs)[i], fmt::format("configurations[{}]", i), &c));
    spec.configs.push_back(std::move(c));
  }
  FLEETLAB_RETURN_IF_ERROR(CheckConfigs(spec));
  return spec;
}

Result<CapacitySpec> LoadCapacity(const std::string& path) {
  auto doc = ReadJsonFile(path, "capacity file");
  if (!doc.ok()) return doc.status();
  auto spec = ParseCapacity(*doc, std::filesystem::path(path).parent_path().string());
  if (!spec.ok()) return spec.status().WithContext(path);
  return spec;
}

}  // namespace fleetlab
