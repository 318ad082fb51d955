#include "cli/charts_pages.h"

#include <fmt/format.h>

#include "fleetlab/report/charts_page.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

bool AnyNumber(const json& points, const std::string& key) {
  for (const json& p : points) {
    if (p.contains(key) && p[key].is_number()) return true;
  }
  return false;
}

}  // namespace

std::string SweepHtml(const std::string& name, const SweepSpec& spec, const json& rows) {
  json points = json::array();
  std::vector<std::string> hover = {"index"};
  for (const SweepAxis& a : spec.axes) hover.push_back(a.path);
  for (const json& row : rows) {
    json p = row;
    p.erase("params");
    if (row.contains("params")) {
      for (const auto& [path, value] : row["params"].items()) p[path] = value;
    }
    points.push_back(std::move(p));
  }
  std::vector<ScatterChart> charts;
  if (AnyNumber(points, "ttft_p99_ms")) {
    for (const char* m : {"usd_per_hour", "usd_per_million_output_tokens", "gpus", "ttft_p99_ms", "tpot_p99_ms",
                          "output_tokens_per_s", "slo_attainment"}) {
      hover.push_back(m);
    }
    charts.push_back({"Cost vs P99 TTFT", "Each point a configuration; the front: no cheaper configuration has a lower "
                      "P99 time to first token.", "usd_per_million_output_tokens", "ttft_p99_ms",
                      "$ per 1M output tokens", "P99 TTFT (ms)", true, true, false});
    charts.push_back({"Cost vs P99 TPOT", "The front: no cheaper configuration decodes faster at the P99.",
                      "usd_per_million_output_tokens", "tpot_p99_ms", "$ per 1M output tokens", "P99 TPOT (ms)", true,
                      true, false});
    charts.push_back({"Throughput vs latency", "The front: no configuration serves more tokens per second at a lower "
                      "P99 TTFT.", "output_tokens_per_s", "ttft_p99_ms", "output tokens/s", "P99 TTFT (ms)", true,
                      true, true});
  } else {
    for (const char* m : {"throughput_rps", "e2e_p50_ms", "e2e_p99_ms", "utilization"}) hover.push_back(m);
    charts.push_back({"Throughput vs latency", "The front: no configuration serves more requests per second at a "
                      "lower P99 end-to-end latency.", "throughput_rps", "e2e_p99_ms", "requests/s",
                      "P99 end-to-end latency (ms)", false, true, true});
  }
  return ChartsPage("fleetlab sweep: " + name, fmt::format("{} points over {} axes", rows.size(), spec.axes.size()),
                    points, charts, hover);
}

std::string SizingHtml(const json& result) {
  const json& cols = result["columns"];
  json points = json::array();
  const std::size_t n = cols.contains("name") ? cols["name"].size() : 0;
  for (std::size_t i = 0; i < n; ++i) {
    json p = json::object();
    for (const auto& [key, values] : cols.items()) p[key] = values[i];
    p["fleet"] = fmt::format("{} x {}", p.value("units", json(0)).dump(), p.value("name", ""));
    points.push_back(std::move(p));
  }
  const json& s = result["sizing"];
  const std::string stat = result["fleets"].empty() ? "p99" : result["fleets"][0].value("statistic", "p99");
  std::string slo;
  for (const json& t : s["slo"]) slo += (slo.empty() ? "" : ", ") + t.get<std::string>();
  const std::vector<std::string> hover = {"fleet", "gpus", "usd_per_hour", "usd_per_million_input_tokens",
                                          "usd_per_million_output_tokens", "ttft_ms", "tpot_ms", "goodput_rps",
                                          "headroom", "binding", "listed"};
  std::vector<ScatterChart> charts = {
      {"Cost vs TTFT " + stat, "Every fleet found that meets the SLOs, simulated at the target rate; the front: no "
       "cheaper fleet has a lower TTFT.", "usd_per_hour", "ttft_ms", "$ per hour", "TTFT " + stat + " (ms)", false,
       false, false},
      {"Cost vs TPOT " + stat, "The front: no cheaper fleet decodes faster.", "usd_per_hour", "tpot_ms", "$ per hour",
       "TPOT " + stat + " (ms)", false, false, false},
      {"$ per 1M output tokens vs TTFT " + stat, "Steady state at the target rate, the bill split by GPU time.",
       "usd_per_million_output_tokens", "ttft_ms", "$ per 1M output tokens", "TTFT " + stat + " (ms)", false, false,
       false},
  };
  return ChartsPage(fmt::format("fleetlab size: {} at {:g} req/s", s["model"].get<std::string>(),
                                s["rate_per_s"].get<double>()),
                    fmt::format("{} fleets found within {}; the listed ones are in the text output", n, slo), points,
                    charts, hover);
}

}  // namespace fleetlab::cli
