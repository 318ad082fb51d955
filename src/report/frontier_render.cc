#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "fleetlab/frontier.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// One row of the frontier as named numbers; NaN where undefined (unstable).
struct Row {
  double rate, load, throughput, utilization, mean, p50, p99, p999, a_mean, a_p99;
  double ttft_p50, ttft_p99, tpot_mean, tokens_per_s;  // LLM replicas only
  bool stable;
};

Row MakeRow(double rate, const Report& r) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const bool ok = r.stable && r.completed > 0;
  const AnalyticPrediction& a = r.analytic;
  const bool aok = a.available && a.stable;
  return Row{rate,
             r.offered_load,
             r.throughput_rps,
             r.utilization,
             ok ? r.e2e_ms.mean : nan,
             ok ? r.e2e_ms.p50 : nan,
             ok ? r.e2e_ms.p99 : nan,
             ok ? r.e2e_ms.p999 : nan,
             aok ? a.e2e_mean_ms : nan,
             aok ? a.e2e_p99_ms : nan,
             ok && r.llm ? r.llm->ttft_ms.p50 : nan,
             ok && r.llm ? r.llm->ttft_ms.p99 : nan,
             ok && r.llm ? r.llm->tpot_ms.mean : nan,
             r.llm ? r.llm->output_tokens_per_s : nan,
             r.stable};
}

bool IsLlm(const Frontier& f) { return !f.reports.empty() && f.reports.front().llm.has_value(); }

json Num(double x) { return std::isnan(x) ? json(nullptr) : json(x); }

std::string KneeRule(const Frontier& f) {
  const char* what = f.metric == FrontierMetric::kTtft ? "TTFT" : "end-to-end";
  return fmt::format("the last rate whose P99 {} latency stays within {:g} x its unloaded P99 ({:.3f} ms)", what,
                     f.knee_factor, f.unloaded_p99_ms);
}

}  // namespace

json FrontierToJson(const Frontier& f) {
  json cols = json::object();
  const char* names[] = {"rate_per_s", "offered_load", "throughput_rps", "utilization", "e2e_mean_ms",
                         "e2e_p50_ms", "e2e_p99_ms",   "e2e_p999_ms",    "analytic_e2e_mean_ms", "analytic_e2e_p99_ms"};
  for (const char* n : names) cols[n] = json::array();
  cols["stable"] = json::array();
  for (std::size_t i = 0; i < f.reports.size(); ++i) {
    const Row r = MakeRow(f.rates_per_s[i], f.reports[i]);
    const double values[] = {r.rate, r.load, r.throughput, r.utilization, r.mean, r.p50, r.p99, r.p999, r.a_mean, r.a_p99};
    for (std::size_t c = 0; c < std::size(names); ++c) cols[names[c]].push_back(Num(values[c]));
    cols["stable"].push_back(r.stable);
    if (IsLlm(f)) {
      cols["ttft_p50_ms"].push_back(Num(r.ttft_p50));
      cols["ttft_p99_ms"].push_back(Num(r.ttft_p99));
      cols["tpot_mean_ms"].push_back(Num(r.tpot_mean));
      cols["output_tokens_per_s"].push_back(Num(r.tokens_per_s));
    }
  }
  cols["reference_p99_ms"] = json::array();
  for (double rate : f.rates_per_s) cols["reference_p99_ms"].push_back(Num(ReferenceP99Ms(f.unloaded_p99_ms, rate, f.capacity_per_s)));
  std::string method;
  if (!f.reports.empty() && f.reports.front().analytic.available) method = f.reports.front().analytic.method;
  // The knee as a plotted point: the last rate whose P99 is within the line,
  // and that P99 (null when even the first point is above it).
  // (none when no point crosses the line: every rate shown is within it)
  const bool has_point = f.knee_index >= 0 && static_cast<std::size_t>(f.knee_index) < f.reports.size() &&
                         !std::isnan(f.knee_rate_per_s);
  const Row knee_row = has_point ? MakeRow(f.rates_per_s[f.knee_index], f.reports[f.knee_index]) : Row{};
  const double knee_p99 = !has_point ? std::nan("")
                          : f.metric == FrontierMetric::kTtft && IsLlm(f) ? knee_row.ttft_p99 : knee_row.p99;
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
              {"seed", f.reports.empty() ? 0 : f.reports.front().seed}};
}

std::string FrontierToCsv(const Frontier& f) {
  std::string out = "rate_per_s,offered_load,throughput_rps,utilization,e2e_mean_ms,e2e_p50_ms,e2e_p99_ms,"
                    "e2e_p999_ms,analytic_e2e_mean_ms,analytic_e2e_p99_ms,stable,knee";
  out += IsLlm(f) ? ",ttft_p50_ms,ttft_p99_ms,tpot_mean_ms,output_tokens_per_s\n" : "\n";
  const auto cell = [](double x) { return std::isnan(x) ? std::string() : fmt::format("{:.6g}", x); };
  for (std::size_t i = 0; i < f.reports.size(); ++i) {
    const Row r = MakeRow(f.rates_per_s[i], f.reports[i]);
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}", cell(r.rate), cell(r.load), cell(r.throughput),
                       cell(r.utilization), cell(r.mean), cell(r.p50), cell(r.p99), cell(r.p999), cell(r.a_mean),
                       cell(r.a_p99), r.stable ? 1 : 0, static_cast<int>(i) == f.knee_index ? 1 : 0);
    if (IsLlm(f)) {
      out += fmt::format(",{},{},{},{}", cell(r.ttft_p50), cell(r.ttft_p99), cell(r.tpot_mean), cell(r.tokens_per_s));
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
  for (std::size_t i = 0; i < f.reports.size(); ++i) {
    const Row r = MakeRow(f.rates_per_s[i], f.reports[i]);
    out += fmt::format("{:9.2f} {:6.3f} {:9.2f} {:5.1f}% | {} {} {} {} | {} {}{}\n", r.rate, r.load, r.throughput,
                       100 * r.utilization, cell(r.mean), cell(r.p50), cell(r.p99), cell(r.p999),
                       cell(llm ? r.ttft_p50 : r.a_mean), cell(llm ? r.ttft_p99 : r.a_p99),
                       static_cast<int>(i) == f.knee_index ? "  <- knee" : (r.stable ? "" : "  unstable"));
  }
  if (!f.reports.empty() && f.reports.front().analytic.available) {
    out += fmt::format("analytic: {}\n", f.reports.front().analytic.method);
  }
  if (f.capacity_per_s > 0) out += fmt::format("capacity: {:.3f} req/s ({})\n", f.capacity_per_s, f.capacity_source);
  out += "knee: " + KneeRule(f) + "\n";
  if (!std::isnan(f.knee_rate_per_s)) out += fmt::format("P99 crosses the line at {:.2f} req/s\n", f.knee_rate_per_s);
  return out;
}

}  // namespace fleetlab
