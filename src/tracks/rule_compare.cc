#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "tracks/rule.h"

namespace fleetlab::tracks {

using nlohmann::json;

Result<TrackAnswer> AnswerCompare(const Subject& s, const json& rule) {
  const std::string metric = rule.value("metric", "latency_ms.e2e.p50");
  const json& variants = rule.value("variants", json());
  if (!variants.is_object() || variants.size() < 2) {
    return Status::InvalidArgument("lab.rule.variants: compare needs an object of at least two variants");
  }
  const bool higher = rule.value("better", "lower") == "higher";
  TrackAnswer a;
  std::string best, second;
  double best_v = higher ? -std::numeric_limits<double>::infinity() : std::numeric_limits<double>::infinity();
  double second_v = best_v;
  std::string lines;
  for (const auto& [id, overrides] : variants.items()) {
    auto r = RunWith(s, overrides, fmt::format("variant \"{}\"", id));
    if (!r.ok()) return r.status();
    auto v = Metric(*r, metric);
    if (!v.ok()) return v.status();
    a.evidence["runs"].push_back({{"variant", id}, {"overrides", overrides}, {"metric", metric},
                                  {"value", std::isfinite(*v) ? json(*v) : json(nullptr)}});
    lines += std::isfinite(*v) ? fmt::format("{}{} {:.3g}", lines.empty() ? "" : ", ", id, *v)
                               : fmt::format("{}{} unbounded (unstable: the queue grows without bound)", lines.empty() ? "" : ", ", id);
    const bool wins = higher ? *v > best_v : *v < best_v;
    if (wins) {
      second = best, second_v = best_v;
      best = id, best_v = *v;
    } else if (second.empty() || (higher ? *v > second_v : *v < second_v)) {
      second = id, second_v = *v;
    }
  }
  const double tolerance = rule.value("tie_tolerance", 0.0);
  const bool tie = rule.contains("tie") && std::isfinite(best_v) && std::isfinite(second_v) &&
                   std::abs(best_v - second_v) <= tolerance * std::max(std::abs(best_v), std::abs(second_v));
  a.choice = tie ? rule["tie"].get<std::string>() : best;
  a.value = best_v;
  a.reason = fmt::format("{} ({}): {}. {}", rule.value("label", metric), higher ? "higher is better" : "lower is better", lines,
                         tie ? fmt::format("Within {:.0f}% of each other: a tie.", 100 * tolerance)
                         : !std::isfinite(second_v) ? fmt::format("{} wins: {} does not keep up at this load.", best, second)
                             : fmt::format("{} wins by {:.2f}x.", best, higher ? best_v / second_v : second_v / best_v));
  if (rule.contains("why") && rule["why"].is_string()) a.reason += fmt::format(" {}", rule["why"].get<std::string>());
  return a;
}

}  // namespace fleetlab::tracks
