#include <cmath>

#include <fmt/format.h>

#include "tracks/rule.h"

namespace fleetlab::tracks {

using nlohmann::json;

namespace {

std::string Why(const json& rule) {
  if (!rule.contains("why") || !rule["why"].is_string()) return {};
  return fmt::format(" {}", rule["why"].get<std::string>());
}

}  // namespace

Result<TrackAnswer> AnswerRatio(const Subject& s, const json& rule) {
  const std::string metric = rule.value("metric", "");
  const std::string after_metric = rule.value("after_metric", metric);
  auto before = RunWith(s, rule.value("before", json::object()), "the \"before\" run");
  if (!before.ok()) return before.status();
  auto after = RunWith(s, rule.value("after", json::object()), "the \"after\" run");
  if (!after.ok()) return after.status();
  auto b = Metric(*before, metric);
  if (!b.ok()) return b.status();
  auto c = Metric(*after, after_metric);
  if (!c.ok()) return c.status();
  TrackAnswer a;
  a.value = *b != 0 ? *c / *b : std::nan("");
  a.evidence["runs"] = {{{"run", "before"}, {"overrides", rule.value("before", json::object())}, {"metric", metric},
                         {"value", *b}},
                        {{"run", "after"}, {"overrides", rule.value("after", json::object())},
                         {"metric", after_metric}, {"value", *c}}};
  a.evidence["ratio"] = a.value;
  if (rule.contains("buckets")) {
    auto choice = Bucket(rule, a.value);
    if (!choice.ok()) return choice.status();
    a.choice = *choice;
  }
  a.reason = fmt::format("{}: {:.4g} before, {:.4g} after: {:.2f}x.{}", rule.value("label", metric), *b, *c, a.value, Why(rule));
  return a;
}

Result<TrackAnswer> AnswerValue(const Subject& s, const json& rule) {
  const std::string metric = rule.value("metric", "");
  auto r = RunWith(s, rule.value("overrides", json::object()), "the run");
  if (!r.ok()) return r.status();
  auto v = Metric(*r, metric);
  if (!v.ok()) return v.status();
  TrackAnswer a;
  a.value = *v * rule.value("scale", 1.0);
  a.evidence["runs"] = {{{"overrides", rule.value("overrides", json::object())}, {"metric", metric}, {"value", *v}}};
  if (rule.contains("buckets")) {
    auto choice = Bucket(rule, a.value);
    if (!choice.ok()) return choice.status();
    a.choice = *choice;
  }
  a.reason = fmt::format("{} = {:.4g}{}.{}", rule.value("label", metric), a.value, rule.value("unit", ""), Why(rule));
  return a;
}

}  // namespace fleetlab::tracks
