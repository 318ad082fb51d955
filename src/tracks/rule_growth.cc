#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "tracks/rule.h"

namespace fleetlab::tracks {

using nlohmann::json;

namespace {

std::string Show(double ms) { return std::isfinite(ms) ? fmt::format("{:.1f} ms", ms) : "unbounded (unstable)"; }

// The capacity the loads are fractions of: the report's capacity_per_s
// (exact for stations and paths; an estimate for an LLM replica), or with
// rule.capacity = "saturation" the throughput measured when the scenario is
// overloaded (rule.overload x that figure, default 1.5, for rule.saturation_s
// simulated seconds, default 200, at most 20,000 arrivals): what continuous batching really sustains,
// since it batches more as the load grows. The defaults are the frontier's
// (FrontierOptions::overload, saturation_s), so both measure one capacity.
Result<double> Capacity(const Subject& s, const json& rule, const std::string& rate_path) {
  auto base = RunWith(s, json::object(), "the scenario as set");
  if (!base.ok()) return base.status();
  auto capacity = Metric(*base, "capacity_per_s");
  if (!capacity.ok()) return capacity.status();
  if (!(*capacity > 0) || !std::isfinite(*capacity)) {
    return Status::InvalidArgument("lab.rule: growth needs a scenario with a finite capacity");
  }
  if (rule.value("capacity", "estimate") != "saturation") return *capacity;
  // Sent for a fixed simulated time, the window ends with the arrivals: no
  // final drain dilutes the throughput (it would understate the capacity).
  // The frontier's defaults (FrontierOptions), so the loads here and on its axis are the same fractions.
  const double overload = rule.value("overload", 1.5), rate = overload * *capacity;
  const double seconds = std::min(rule.value("saturation_s", 200.0), 20'000.0 / rate);
  const json run{{rate_path, rate}, {"workload.duration_s", seconds}};
  auto over = RunWith(s, run, "the overloaded run");
  if (!over.ok()) return over.status();
  return Metric(*over, "throughput.requests_per_s");
}

}  // namespace

Result<TrackAnswer> AnswerGrowth(const Subject& s, const json& rule) {
  const std::string metric = rule.value("metric", "latency_ms.e2e.p99");
  const std::string rate_path = rule.value("rate_path", "workload.arrival.rate_per_s");
  const double low = rule.value("low", 0.5), high = rule.value("high", 0.9);
  if (!(low > 0 && low < high && high < 1)) {
    return Status::InvalidArgument("lab.rule: growth needs 0 < low < high < 1 (fractions of capacity)");
  }
  auto capacity = Capacity(s, rule, rate_path);
  if (!capacity.ok()) return capacity.status();
  TrackAnswer a;
  double p99[2];
  const double loads[2] = {low, high};
  for (int i = 0; i < 2; ++i) {
    const double rate = loads[i] * *capacity;
    auto r = RunWith(s, json{{rate_path, rate}}, fmt::format("{:.0f}% load", 100 * loads[i]));
    if (!r.ok()) return r.status();
    auto v = Metric(*r, metric);
    if (!v.ok()) return v.status();
    p99[i] = *v;
    a.evidence["runs"].push_back({{"load", loads[i]}, {"rate_per_s", rate}, {"metric", metric},
                                  {"value", std::isfinite(*v) ? json(*v) : json(nullptr)}});
  }
  const double ratio = p99[1] / p99[0], load_ratio = high / low;
  const double threshold = rule.value("threshold", load_ratio);
  a.value = ratio;
  a.choice = ratio > threshold ? rule.value("above", "exponential") : rule.value("below", "linear");
  a.evidence["capacity_per_s"] = *capacity;
  a.evidence["ratio"] = std::isfinite(ratio) ? json(ratio) : json(nullptr);
  a.evidence["load_ratio"] = load_ratio;
  // M/M/1: every percentile scales with 1/(1 - rho).
  const double mm1 = (1 - low) / (1 - high);
  a.evidence["mm1_ratio"] = mm1;
  const bool share = metric.size() >= 9 && metric.compare(metric.size() - 9, 9, "miss_rate") == 0;
  const auto show = [share](double v) { return share && std::isfinite(v) ? fmt::format("{:.2f}%", 100 * v) : Show(v); };
  a.reason = fmt::format("{} went from {} at {:.0f}% load to {} at {:.0f}% ({}) while the load grew only {:.1f}x; "
                         "an M/M/1 queue's P99 grows {:.1f}x (P99 = ln(100)/(mu - lambda)).",
                         rule.value("label", metric), show(p99[0]), 100 * low, show(p99[1]), 100 * high,
                         std::isfinite(ratio) ? fmt::format("{:.1f}x", ratio) : "without bound", load_ratio, mm1);
  if (rule.contains("why") && rule["why"].is_string()) a.reason += " " + rule["why"].get<std::string>();
  return a;
}

}  // namespace fleetlab::tracks
