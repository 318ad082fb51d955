#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "fleetlab/frontier.h"

namespace fleetlab {
namespace {

using nlohmann::json;

bool IsLlm(const Frontier& f) { return !f.points.empty() && f.points.front().llm; }

json Num(double x) { return std::isnan(x) ? json(nullptr) : json(x); }

std::string KneeRule(const Frontier& f) {
  const char* what = f.metric == FrontierMetric::kTtft ? "TTFT" : "end-to-end";
  return fmt::format("the last rate whose P99 {} latency stays within {:g} x its unloaded P99 ({:.3f} ms)", what,
                     f.knee_factor, f.unloaded_p99_ms);
}

}  // namespace

FrontierPoint MakeFrontierPoint(double rate, const Report& r) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool ok = r.stable && r.completed > 0;
  const AnalyticPrediction& a = r.analytic;
  const bool aok = a.available && a.stable;
  FrontierPoint p;
  p.rate_per_s = rate;
  p.offered_load = r.offered_load;
  p.throughput_rps = r.throughput_rps;
  p.utilization = r.utilization;
  p.e2e_mean_ms = ok ? r.e2e_ms.mean : nan;
  p.e2e_p50_ms = ok ? r.e2e_ms.p50 : nan;
  p.e2e_p99_ms = ok ? r.e2e_ms.p99 : nan;
  p.e2e_p999_ms = ok ? r.e2e_ms.p999 : nan;
  p.analytic_e2e_mean_ms = aok ? a.e2e_mean_ms : nan;
  p.analytic_e2e_p99_ms = aok ? a.e2e_p99_ms : nan;
  p.ttft_p50_ms = ok && r.llm ? r.llm->ttft_ms.p50 : nan;
  p.ttft_p99_ms = ok && r.llm ? r.llm->ttft_ms.p99 : nan;
  p.tpot_mean_ms = ok && r.llm ? r.llm->tpot_ms.mean : nan;
  p.output_tokens_per_s = r.llm ? r.llm->output_tokens_per_s : nan;
  p.stable = r.stable;
  p.llm = r.llm.has_value();
  p.analytic_method = a.available ? a.method : "";
  p.seed = r.seed;
  return p;
}

json FrontierToJson(const Frontier& f) {
  json cols = json::object();
  const char* names[] = {"rate_per_s", "offered_load", "throughput_rps", "utilization", "e2e_mean_ms",
                         "e2e_p50_ms", "e2e_p99_ms",   "e2e_p999_ms",    "analytic_e2e_mean_ms", "analytic_e2e_p99_ms"};
  for (const char* n : names) cols[n] = json::array();
  cols["stable"] = json::array();
  for (const FrontierPoint& r : f.points) {
    const double values[] = {r.rate_per_s,  r.offered_load, r.throughput_rps, r.utilization,
                             r.e2e_mean_ms, r.e2e_p50_ms,   r.e2e_p99_ms,     r.e2e_p999_ms,
                             r.analytic_e2e_mean_ms, r.analytic_e2e_p99_ms};
    for (std::size_t c = 0; c < std::size(names); ++c) cols[names[c]].push_back(Num(values[c]));
    cols["stable"].push_back(r.stable);
    if (IsLlm(f)) {
      cols["ttft_p50_ms"].push_back(Num(r.ttft_p50_ms));
      cols["ttft_p99_ms"].push_back(Num(r.ttft_p99_ms));
      cols["tpot_mean_ms"].push_back(Num(r.tpot_mean_ms));
      cols["output_tokens_per_s"].push_back(Num(r.output_tokens_per_s));
    }
  }
  cols["reference_p99_ms"] = json::array();
  for (double rate : f.rates_per_s) cols["reference_p99_ms"].push_back(Num(ReferenceP99Ms(f.unloaded_p99_ms, rate, f.capacity_per_s)));
  const std::string method = f.points.empty() ? "" : f.points.front().analytic_method;
  // The knee as a plotted point: the last rate whose P99 is within the line,
  // and that P99 (null when even the first point is above it).
  // (none when no point crosses the line: every rate shown is within it)
  const bool has_point = f.knee_index >= 0 && static_cast<std::size_t>(f.knee_index) < f.points.size() &&
                         !std::isnan(f.knee_rate_per_s);
  const FrontierPoint knee_point = has_point ? f.points[f.knee_index] : FrontierPoint{};
  const double knee_p99 = !has_point ? std::nan("")
                          : f.metric == FrontierMetric::kTtft && IsLlm(f) ? knee_point.ttft_p99_ms : knee_point.e2e_p99_ms;
  return json{{"series", cols},
              {"capacity_per_s", Num(f.capacity_per_s)},
              {"capacity_source", f.capacity_source},
              {"reference", "M/M/1 with the same unloaded P99 and capacity: unloaded P99 / (1 - rate / capacity)"},
              {"knee", {{"index", f.knee_index},
                        {"rate_per_s", Num(f.knee_rate_per_s)},
                        {"point_rate_per_s", has_point ? json(f.rates_per_s[f.knee_index]) : json(nullptr)},
                        {"point_p99_ms", Num(knee_p99)},
                        {"point_load", has_point && f.capacity_per_s > 0 ? json(f.rates_per_s[f.knee_index] / f.capacity_per_s) : json(nullptr)},
                        {"factor", f.knee_factor},
                        {"metric", f.metric == FrontierMetric::kTtft ? "ttft" : "e2e"},
                        {"unloaded_p99_ms", f.unloaded_p99_ms},
                        {"rule", KneeRule(f)}}},
              {"analytic_method", method},
              {"seed", f.points.empty() ? 0 : f.points.front().seed}};
}

std::string FrontierToCsv(const Frontier& f) {
  std::string out = "rate_per_s,offered_load,throughput_rps,utilization,e2e_mean_ms,e2e_p50_ms,e2e_p99_ms,"
                    "e2e_p999_ms,analytic_e2e_mean_ms,analytic_e2e_p99_ms,stable,knee";
  out += IsLlm(f) ? ",ttft_p50_ms,ttft_p99_ms,tpot_mean_ms,output_tokens_per_s\n" : "\n";
  const auto cell = [](double x) { return std::isnan(x) ? std::string() : fmt::format("{:.6g}", x); };
  for (std::size_t i = 0; i < f.points.size(); ++i) {
    const FrontierPoint& r = f.points[i];
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}", cell(r.rate_per_s), cell(r.offered_load),
                       cell(r.throughput_rps), cell(r.utilization), cell(r.e2e_mean_ms), cell(r.e2e_p50_ms),
                       cell(r.e2e_p99_ms), cell(r.e2e_p999_ms), cell(r.analytic_e2e_mean_ms),
                       cell(r.analytic_e2e_p99_ms), r.stable ? 1 : 0, static_cast<int>(i) == f.knee_index ? 1 : 0);
    if (IsLlm(f)) {
      out += fmt::format(",{},{},{},{}", cell(r.ttft_p50_ms), cell(r.ttft_p99_ms), cell(r.tpot_mean_ms),
                         cell(r.output_tokens_per_s));
    }
    out += "\n";
  }
  return out;
}

std::string FrontierToText(const Frontier& f) {
  // An LLM replica has no analytic column; its TTFT takes their place.
  const bool llm = IsLlm(f);
  std::string out = fmt::format("{:>9} {:>6} {:>9} {:>6} | {:>9} {:>9} {:>9} {:>9} | {:>9} {:>9}\n", "rate/s", "load",
                                "thru/s", "util", "mean ms", "p50 ms", "p99 ms", "p99.9 ms",
                                llm ? "TTFT p50" : "an. mean", llm ? "TTFT p99" : "an. p99");
  const auto cell = [](double x) { return std::isnan(x) ? fmt::format("{:>9}", "-") : fmt::format("{:9.3f}", x); };
  for (std::size_t i = 0; i < f.points.size(); ++i) {
    const FrontierPoint& r = f.points[i];
    out += fmt::format("{:9.2f} {:6.3f} {:9.2f} {:5.1f}% | {} {} {} {} | {} {}{}\n", r.rate_per_s, r.offered_load,
                       r.throughput_rps, 100 * r.utilization, cell(r.e2e_mean_ms), cell(r.e2e_p50_ms),
                       cell(r.e2e_p99_ms), cell(r.e2e_p999_ms), cell(llm ? r.ttft_p50_ms : r.analytic_e2e_mean_ms),
                       cell(llm ? r.ttft_p99_ms : r.analytic_e2e_p99_ms),
                       static_cast<int>(i) == f.knee_index ? "  <- knee" : (r.stable ? "" : "  unstable"));
  }
  if (!f.points.empty() && !f.points.front().analytic_method.empty()) {
    out += fmt::format("analytic: {}\n", f.points.front().analytic_method);
  }
  if (f.capacity_per_s > 0) out += fmt::format("capacity: {:.3f} req/s ({})\n", f.capacity_per_s, f.capacity_source);
  out += "knee: " + KneeRule(f) + "\n";
  if (!std::isnan(f.knee_rate_per_s)) out += fmt::format("P99 crosses the line at {:.2f} req/s\n", f.knee_rate_per_s);
  return out;
}

}  // namespace fleetlab
