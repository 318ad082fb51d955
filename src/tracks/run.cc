#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "tracks/rule.h"

namespace fleetlab::tracks {

using nlohmann::json;

Result<json> RunWith(const Subject& subject, const json& overrides, const std::string& label) {
  json doc = subject.doc;
  if (!overrides.is_null() && !overrides.is_object()) {
    return Status::InvalidArgument(fmt::format("lab.rule: the overrides of {} must be an object", label));
  }
  if (overrides.is_object()) {
    for (const auto& [path, value] : overrides.items()) {
      FLEETLAB_RETURN_IF_ERROR(ApplyOverride(doc, path + "=" + value.dump()));
    }
  }
  ParseOptions parse;
  parse.base_dir = subject.base_dir;
  parse.catalog = subject.hooks != nullptr ? subject.hooks->catalog : nullptr;
  auto scenario = ParseScenario(doc, parse);
  if (!scenario.ok()) return scenario.status().WithContext(label);
  RunHooks hooks;
  hooks.kv_heatmap = false;
  if (subject.hooks != nullptr) {
    if (subject.hooks->admit) FLEETLAB_RETURN_IF_ERROR(subject.hooks->admit(*scenario));
    hooks.cancel = subject.hooks->cancel;
  }
  auto report = RunScenario(*scenario, hooks);
  if (!report.ok()) return report.status().WithContext(label);
  return ReportToJson(*report);
}

Result<double> Metric(const json& report, const std::string& path) {
  const json* node = FindAtPath(report, path);
  if (node == nullptr) return Status::InvalidArgument(fmt::format("lab.rule.metric: the report has no \"{}\"", path));
  if (node->is_null()) return std::numeric_limits<double>::infinity();
  // An unstable run's latencies are reported but have no steady state: they
  // grow with the run's length. A rule reads them as unbounded.
  const json* stable = FindAtPath(report, "stable");
  const bool latency = path.rfind("latency_ms.", 0) == 0 || path.find(".latency_ms.") != std::string::npos;
  if (latency && stable != nullptr && stable->is_boolean() && !stable->get<bool>()) {
    return std::numeric_limits<double>::infinity();
  }
  if (node->is_boolean()) return node->get<bool>() ? 1.0 : 0.0;
  if (!node->is_number()) return Status::InvalidArgument(fmt::format("lab.rule.metric: \"{}\" is not a number", path));
  return node->get<double>();
}

Result<std::string> Bucket(const json& rule, double value) {
  const json& buckets = rule.value("buckets", json());
  if (!buckets.is_array() || buckets.empty()) {
    return Status::InvalidArgument("lab.rule.buckets: must be a non-empty array of {\"below\", \"choice\"}");
  }
  for (const json& b : buckets) {
    if (!b.is_object() || !b.contains("choice") || !b["choice"].is_string()) {
      return Status::InvalidArgument("lab.rule.buckets[]: each needs a string \"choice\"");
    }
    if (!b.contains("below") || (b["below"].is_number() && value < b["below"].get<double>())) {
      return b["choice"].get<std::string>();
    }
  }
  return buckets.back()["choice"].get<std::string>();
}

}  // namespace fleetlab::tracks
