// The sizing outcome as JSON (docs/sweep.md "Sizing output").
#include <fmt/format.h>

#include "fleetlab/sweep/sizing.h"
#include "fleetlab/sweep/sweep_rows.h"

namespace fleetlab {
namespace {

using nlohmann::json;

json At(const json& report, const std::string& path) {
  const json* v = FindPath(report, path);
  return v ? *v : json();
}

// The fleet's measured figures at the target rate.
void AddFleetFigures(const SizingSpec& spec, const SizingCandidate& c, json* j) {
  const json& r = c.fleet_report;
  const std::string& stat = spec.objectives.statistic;
  (*j)["units"] = c.units;
  (*j)["replicas"] = c.prefill > 0 ? c.units * static_cast<std::uint64_t>(c.prefill + c.decode) : c.units;
  (*j)["gpus"] = At(r, "cost.gpus");
  (*j)["usd_per_hour"] = c.usd_per_hour;
  (*j)["usd_per_million_input_tokens"] = c.usd_per_million_input_tokens;
  (*j)["usd_per_million_output_tokens"] = c.usd_per_million_output_tokens;
  (*j)["usd_per_million_output_tokens_all_in"] = c.usd_per_million_output_tokens_all_in;
  (*j)["prompt_share"] = At(r, "cost.split.prompt_share");
  (*j)["goodput_rps"] = c.goodput_rps;
  (*j)["throughput_rps"] = At(r, "throughput.requests_per_s");
  (*j)["output_tokens_per_s"] = At(r, "throughput.output_tokens_per_s");
  (*j)["slo_attainment"] = At(r, "slo.attainment");
  (*j)["statistic"] = stat;
  for (const char* m : {"ttft", "tpot", "e2e"}) (*j)[fmt::format("{}_ms", m)] = At(r, fmt::format("latency_ms.{}.{}", m, stat));
  (*j)["ttft_p99_ms"] = At(r, "latency_ms.ttft.p99");
  (*j)["tpot_p99_ms"] = At(r, "latency_ms.tpot.p99");
  (*j)["headroom"] = c.headroom;
}

json CandidateJson(const SizingSpec& spec, const SizingCandidate& c, bool with_scenario) {
  json j = {{"name", c.name},
            {"kind", c.prefill > 0 ? "disaggregated" : "colocated"},
            {"gpu", c.gpu},
            {"tp", c.tp},
            {"pp", c.pp},
            {"max_running", c.max_running},
            {"max_batch_tokens", c.max_batch_tokens},
            {"prefill_per_unit", c.prefill > 0 ? json(c.prefill) : json()},
            {"decode_per_unit", c.prefill > 0 ? json(c.decode) : json()},
            {"unit_gpus", c.unit_gpus},
            {"gpu_price_usd_per_hour", c.gpu_price_usd},
            {"status", c.status},
            {"reason", c.reason.empty() ? json() : json(c.reason)},
            {"binding", c.binding.empty() ? json() : json(c.binding)},
            {"estimate_per_s", c.estimate_per_s > 0 ? json(c.estimate_per_s) : json()},
            {"units_lower_bound", c.units_lower_bound > 0 ? json(c.units_lower_bound) : json()},
            {"cost_lower_bound_usd_per_hour", c.units_lower_bound > 0 ? json(c.cost_lower_bound) : json()},
            {"bisection", c.bound == CapacityBound::kNone ? json() : json(kCapacityBoundNames.Name(c.bound))},
            {"unit_max_rate_per_s", c.unit_max_rate_per_s > 0 ? json(c.unit_max_rate_per_s) : json()},
            {"runs", c.runs}};
  if (c.status == "fleet") {
    AddFleetFigures(spec, c, &j);
    if (with_scenario) j["scenario"] = c.fleet_scenario;
  }
  return j;
}

// Column series of the fleets found (uPlot's and pandas' layout), cheapest first.
json Columns(const SizingSpec& spec, const SizingOutcome& out) {
  const std::vector<std::string> names = {"name", "kind", "gpu", "tp", "pp", "units", "gpus", "usd_per_hour",
                                          "usd_per_million_input_tokens", "usd_per_million_output_tokens",
                                          "goodput_rps", "ttft_p99_ms", "tpot_p99_ms", "ttft_ms", "tpot_ms",
                                          "e2e_ms", "headroom", "binding", "listed"};
  json cols = json::object();
  for (const std::string& n : names) cols[n] = json::array();
  for (std::size_t i : out.fleets) {
    json row = CandidateJson(spec, out.candidates[i], false);
    row["listed"] = std::find(out.top.begin(), out.top.end(), i) != out.top.end();
    for (const std::string& n : names) cols[n].push_back(row.value(n, json()));
  }
  return cols;
}

}  // namespace

json SizingToJson(const SizingSpec& spec, const SizingOutcome& out) {
  json request = {{"name", spec.name},
                  {"model", spec.model},
                  {"gpus", spec.gpus},
                  {"rate_per_s", spec.rate_per_s},
                  {"headroom", spec.headroom},
                  {"slo", json::array()},
                  {"budget_usd_per_hour", spec.budget_usd_per_hour > 0 ? json(spec.budget_usd_per_hour) : json()},
                  {"max_cost_ratio", spec.max_cost_ratio},
                  {"top", spec.top},
                  {"requests", spec.requests}};
  for (const SloTarget& t : spec.slos) request["slo"].push_back(t.text);
  json fleets = json::array();
  for (std::size_t rank = 0; rank < out.top.size(); ++rank) {
    json f = CandidateJson(spec, out.candidates[out.top[rank]], true);
    f["rank"] = rank + 1;
    fleets.push_back(std::move(f));
  }
  json candidates = json::array();
  json counts = {{"candidates", out.candidates.size()}, {"pruned", 0}, {"skipped", 0}, {"infeasible", 0}, {"fleet", 0}};
  for (const SizingCandidate& c : out.candidates) {
    candidates.push_back(CandidateJson(spec, c, false));
    if (counts.contains(c.status)) counts[c.status] = counts[c.status].get<int>() + 1;
  }
  return {{"kind", "sizing"},
          {"sizing", std::move(request)},
          {"fleets", std::move(fleets)},
          {"columns", Columns(spec, out)},
          {"counts", std::move(counts)},
          {"runs", out.runs},
          {"candidates", std::move(candidates)}};
}

}  // namespace fleetlab
