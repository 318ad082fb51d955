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
             r.stable};
}

json Num(double x) { return std::isnan(x) ? json(nullptr) : json(x); }

std::string KneeRule(const Frontier& f) {
  return fmt::format("the last rate whose P99 stays within {:g} x the unloaded P99 ({:.3f} ms)", f.knee_factor,
                     f.unloaded_p99_ms);
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
  }
  std::string method;
  if (!f.reports.empty() && f.reports.front().analytic.available) method = f.reports.front().analytic.method;
  return json{{"series", cols},
              {"knee", {{"index", f.knee_index},
                        {"rate_per_s", Num(f.knee_rate_per_s)},
                        {"factor", f.knee_factor},
                        {"unloaded_p99_ms", f.unloaded_p99_ms},
                        {"rule", KneeRule(f)}}},
              {"analytic_method", method},
              {"seed", f.reports.empty() ? 0 : f.reports.front().seed}};
}

std::string FrontierToCsv(const Frontier& f) {
  std::string out = "rate_per_s,offered_load,throughput_rps,utilization,e2e_mean_ms,e2e_p50_ms,e2e_p99_ms,"
                    "e2e_p999_ms,analytic_e2e_mean_ms,analytic_e2e_p99_ms,stable,knee\n";
  const auto cell = [](double x) { return std::isnan(x) ? std::string() : fmt::format("{:.6g}", x); };
  for (std::size_t i = 0; i < f.reports.size(); ++i) {
    const Row r = MakeRow(f.rates_per_s[i], f.reports[i]);
    out += fmt::format("{},{},{},{},{},{},{},{},{},{},{},{}\n", cell(r.rate), cell(r.load), cell(r.throughput),
                       cell(r.utilization), cell(r.mean), cell(r.p50), cell(r.p99), cell(r.p999), cell(r.a_mean),
                       cell(r.a_p99), r.stable ? 1 : 0, static_cast<int>(i) == f.knee_index ? 1 : 0);
  }
  return out;
}

std::string FrontierToText(const Frontier& f) {
  std::string out = fmt::format("{:>9} {:>6} {:>9} {:>6} | {:>9} {:>9} {:>9} {:>9} | {:>9} {:>9}\n", "rate/s", "load",
                                "thru/s", "util", "mean ms", "p50 ms", "p99 ms", "p99.9 ms", "an. mean", "an. p99");
  const auto cell = [](double x) { return std::isnan(x) ? fmt::format("{:>9}", "-") : fmt::format("{:9.3f}", x); };
  for (std::size_t i = 0; i < f.reports.size(); ++i) {
    const Row r = MakeRow(f.rates_per_s[i], f.reports[i]);
    out += fmt::format("{:9.2f} {:6.3f} {:9.2f} {:5.1f}% | {} {} {} {} | {} {}{}\n", r.rate, r.load, r.throughput,
                       100 * r.utilization, cell(r.mean), cell(r.p50), cell(r.p99), cell(r.p999), cell(r.a_mean),
                       cell(r.a_p99),
                       static_cast<int>(i) == f.knee_index ? "  <- knee" : (r.stable ? "" : "  unstable"));
  }
  if (!f.reports.empty() && f.reports.front().analytic.available) {
    out += fmt::format("analytic: {}\n", f.reports.front().analytic.method);
  }
  out += "knee: " + KneeRule(f) + "\n";
  if (!std::isnan(f.knee_rate_per_s)) out += fmt::format("P99 crosses the line at {:.2f} req/s\n", f.knee_rate_per_s);
  return out;
}

}  // namespace fleetlab
