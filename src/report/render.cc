#include "fleetlab/report/render.h"

#include <cmath>

#include <fmt/format.h>

#include "fleetlab/util/json.h"
#include "fleetlab/version.h"
#include "report/class_render.h"
#include "report/disagg_render.h"
#include "report/fleet_render.h"
#include "report/path_render.h"
#include "report/llm_render.h"
#include "report/vllm_render.h"

namespace fleetlab {
namespace {

using nlohmann::json;


json AnalyticToJson(const AnalyticPrediction& a) {
  if (!a.available) return nullptr;
  auto v = [&a](double x) { return a.stable && !std::isnan(x) ? json(x) : json(nullptr); };
  return json{{"method", a.method},
              {"exact", a.exact},
              {"stable", a.stable},
              {"utilization", a.utilization},
              {"e2e_ms", {{"mean", v(a.e2e_mean_ms)}, {"p50", v(a.e2e_p50_ms)}, {"p99", v(a.e2e_p99_ms)},
                          {"p999", v(a.e2e_p999_ms)}}},
              {"queue_ms", {{"mean", v(a.queue_mean_ms)}, {"p99", v(a.queue_p99_ms)}}}};
}

std::string Ms(double x, bool valid) {
  return valid && !std::isnan(x) ? fmt::format("{:10.3f}", x) : fmt::format("{:>10}", "-");
}

}  // namespace

json ReportToJson(const Report& r, bool series) {
  // Percentiles are reported beside the verdict, stable or not: an unstable
  // run's latencies grow with its length, which the stability note says.
  const bool valid = r.completed > 0;
  json out{
      {"scenario", r.scenario},
      {"seed", r.seed},
      {"stable", r.stable},
      {"stability", r.stability_note},
      {"offered", {{"rate_per_s", r.offered_rate_per_s}, {"load", r.offered_load}}},
      {"capacity_per_s", r.capacity_per_s},
      {"latency_ms", {{"e2e", SummaryJson(r.e2e_ms, valid)}, {"queue", SummaryJson(r.queue_ms, valid)}}},
      {"wait_probability", r.wait_probability},
      {"throughput", {{"requests_per_s", r.throughput_rps},
                      {"drain_s", r.drain_s},
                      {"with_drain", {{"requests_per_s", r.throughput_with_drain_rps},
                                      {"window_s", r.with_drain_window_s}}}}},
      {"utilization", r.utilization},
      {"queue", {{"mean_length", r.mean_queue_length}, {"mean_in_system", r.mean_in_system},
                 {"backlog_growth_per_s", r.backlog_growth_per_s},
                 {"in_system_at_window_start", r.in_system_at_window_start},
                 {"in_system_at_window_end", r.in_system_at_window_end},
                 {"little_w_s", r.little_w_s}}},
      {"batching", {{"mean_batch_size", r.mean_batch_size}}},
      {"requests", {{"arrived", r.arrived}, {"warmup", r.warmup}, {"completed", r.completed},
                    {"dropped", r.dropped}, {"in_flight_at_end", r.in_flight_at_end},
                    {"drop_fraction", r.drop_fraction}}},
      {"sim", {{"events", r.events}, {"simulated_s", r.simulated_s}, {"window_s", r.window_s},
               {"drain_s", r.drain_s}}},
      {"analytic", AnalyticToJson(r.analytic)},
  };
  out["fleetlab_version"] = kVersion;
  out["resolved_scenario"] = r.resolved_scenario != nullptr ? r.resolved_scenario->value : json();
  if (r.llm) {
    AddLlmJson(*r.llm, valid, series, &out);
    out["vllm_bench"] = VllmBenchJson(r);
    // Cost per user: what one user's answered request costs, the fleet's
    // cost over the window divided by the requests it answered in it.
    out["cost"]["usd_per_request"] = r.throughput_rps > 0 ? r.llm->usd_per_hour / 3600 / r.throughput_rps : 0.0;
    out["throughput"]["with_drain"]["output_tokens_per_s"] =
        r.with_drain_window_s > 0 ? static_cast<double>(r.llm->output_tokens) / r.with_drain_window_s : 0.0;
  }
  if (r.fleet) out["fleet"] = FleetJson(*r.fleet);
  if (r.path) out["path"] = PathJson(*r.path, valid);
  if (r.deadline) out["deadline"] = DeadlineJson(*r.deadline);
  if (r.disaggregation) out["disaggregation"] = DisaggJson(*r.disaggregation, valid);
  if (!r.classes.empty()) out["classes"] = ClassesJson(r.classes, valid);
  return out;
}

std::string ReportToText(const Report& r, double wall_ms) {
  const bool valid = r.completed > 0;
  const AnalyticPrediction& a = r.analytic;
  const bool av = a.available && a.stable;
  std::string out = fmt::format("scenario {}  (seed {})\n", r.scenario, r.seed);
  out += fmt::format("  {}: {}\n", r.stable ? "stable" : "UNSTABLE", r.stability_note);
  out += fmt::format("  offered {:.3f} req/s, capacity {:.3f} req/s, throughput {:.3f} req/s, utilisation {:.1f}%\n",
                     r.offered_rate_per_s, r.capacity_per_s, r.throughput_rps, 100 * r.utilization);
  out += fmt::format("  mean queue length {:.3f}, mean in system {:.3f}, P(wait) {:.3f}, mean batch {:.2f}, "
                     "backlog growth {:.2f}/s\n", r.mean_queue_length, r.mean_in_system, r.wait_probability,
                     r.mean_batch_size, r.backlog_growth_per_s);
  out += fmt::format("\n  latency (ms)      {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}\n", "mean", "p50", "p90", "p95",
                     "p99", "p99.9");
  for (const auto& [name, s] : {std::pair{"end-to-end", &r.e2e_ms}, std::pair{"queueing", &r.queue_ms}}) {
    out += fmt::format("  {:<16} {} {} {} {} {} {}\n", name, Ms(s->mean, valid), Ms(s->p50, valid),
                       Ms(s->p90, valid), Ms(s->p95, valid), Ms(s->p99, valid), Ms(s->p999, valid));
  }
  if (a.available) {
    out += fmt::format("  {:<16} {} {} {:>10} {:>10} {} {}\n", "analytic e2e", Ms(a.e2e_mean_ms, av),
                       Ms(a.e2e_p50_ms, av), "", "", Ms(a.e2e_p99_ms, av), Ms(a.e2e_p999_ms, av));
    out += fmt::format("  (analytic: {}{})\n", a.method, a.exact ? ", exact" : ", approximation");
  }
  if (valid) {
    out += fmt::format("  95% CI: mean e2e ±{:.3f} ms, p99 e2e ±{:.3f} ms (batch means)\n", r.e2e_ms.mean_ci95,
                       r.e2e_ms.p99_ci95);
  }
  if (r.llm) out += LlmText(*r.llm, valid);
  if (r.fleet) out += FleetText(*r.fleet);
  if (r.path) out += PathText(*r.path, valid);
  if (r.deadline) out += DeadlineText(*r.deadline);
  if (r.disaggregation) out += DisaggText(*r.disaggregation, valid);
  out += ClassesText(r.classes, valid);
  out += fmt::format("\n  requests: {} sent ({} warm-up), {} measured completed, {} dropped ({:.2f}%), {} in flight\n",
                     r.arrived, r.warmup, r.completed, r.dropped, 100 * r.drop_fraction, r.in_flight_at_end);
  out += fmt::format("  simulated {:.3f} s ({:.3f} s of arrivals measured, then a {:.3f} s drain; {:.3f} req/s with "
                     "it), {} events", r.simulated_s, r.window_s, r.drain_s, r.throughput_with_drain_rps, r.events);
  if (wall_ms >= 0) {
    out += fmt::format(", {:.1f} ms wall, {:.2f} M events/s", wall_ms,
                       wall_ms > 0 ? static_cast<double>(r.events) / wall_ms / 1e3 : 0.0);
  }
  return out + "\n";
}

json RoundNumbers(const json& value, int digits) {
  if (value.is_number_float()) {
    const double x = value.get<double>();
    if (x == 0 || !std::isfinite(x)) return x;
    return std::stod(fmt::format("{:.{}g}", x, digits));
  }
  if (value.is_object() || value.is_array()) {
    json out = value;
    for (auto& item : out) item = RoundNumbers(item, digits);
    return out;
  }
  return value;
}

}  // namespace fleetlab
