#include "cli/size_render.h"

#include <fmt/format.h>

namespace fleetlab::cli {
namespace {

using nlohmann::json;

std::string Num(const json& v, const char* format, const char* unit = "") {
  if (!v.is_number()) return "-";
  return fmt::format(fmt::runtime(format), v.get<double>()) + unit;
}

std::string FleetName(const json& f) {
  const std::uint64_t units = f.value("units", 0);
  if (f.value("kind", "") == "disaggregated") {
    return fmt::format("{} x ({}P+{}D) {} TP{} PP{}", units, f["prefill_per_unit"].get<int>(),
                       f["decode_per_unit"].get<int>(), f["gpu"].get<std::string>(), f["tp"].get<int>(),
                       f["pp"].get<int>());
  }
  return fmt::format("{} x {} TP{} PP{}", units, f["gpu"].get<std::string>(), f["tp"].get<int>(), f["pp"].get<int>());
}

std::string Header(const json& r) {
  const json& s = r["sizing"];
  std::string slo;
  for (const json& t : s["slo"]) slo += (slo.empty() ? "" : ", ") + t.get<std::string>();
  std::string out = fmt::format("sizing {} for {:g} req/s", s["model"].get<std::string>(), s["rate_per_s"].get<double>());
  if (s["headroom"].get<double>() > 0) out += fmt::format(" with {:.0f}% headroom", 100 * s["headroom"].get<double>());
  out += fmt::format(" within {}", slo);
  if (s["budget_usd_per_hour"].is_number()) out += fmt::format(", budget ${:.2f}/h", s["budget_usd_per_hour"].get<double>());
  return out + "\n";
}

}  // namespace

std::string SizingText(const json& r, double wall_s) {
  std::string out = Header(r);
  const json& c = r["counts"];
  out += fmt::format("searched {} candidates: {} pruned by memory/roofline, {} skipped by the cost bound, {} "
                     "infeasible, {} fleets found; {} simulations, {:.1f} s\n\n",
                     c["candidates"].get<int>(), c["pruned"].get<int>(), c["skipped"].get<int>(),
                     c["infeasible"].get<int>(), c["fleet"].get<int>(), r["runs"].get<int>(), wall_s);
  if (r["fleets"].empty()) {
    out += "no fleet meets the SLOs within the search (see the candidates' reasons with --json)\n";
    return out;
  }
  const std::string stat = r["fleets"][0].value("statistic", "p99");
  out += fmt::format("{:>2}  {:<34} {:>5} {:>9} {:>8} {:>8} {:>9} {:>10} {:>10} {:>8}  {}\n", "#", "fleet", "GPUs",
                     "$/hour", "$/1M in", "$/1M out", "goodput/s", "TTFT " + stat, "TPOT " + stat, "headroom",
                     "binding constraint (one unit)");
  for (const json& f : r["fleets"]) {
    out += fmt::format("{:>2}  {:<34} {:>5} {:>9} {:>8} {:>8} {:>9} {:>10} {:>10} {:>8}  {}\n", f["rank"].get<int>(),
                       FleetName(f), Num(f["gpus"], "{:.0f}"), Num(f["usd_per_hour"], "{:.2f}"),
                       Num(f["usd_per_million_input_tokens"], "{:.3f}"),
                       Num(f["usd_per_million_output_tokens"], "{:.3f}"), Num(f["goodput_rps"], "{:.2f}"),
                       Num(f["ttft_ms"], "{:.0f}", " ms"), Num(f["tpot_ms"], "{:.1f}", " ms"),
                       Num(f["headroom"].get<double>() * 100, "{:+.0f}", "%"), f.value("binding", ""));
  }
  out += "\nGPUs and $/hour: the whole fleet; latencies: simulated at the target rate; $/1M tokens: steady state at "
         "the target rate, the bill split between prompts and answers by GPU time; goodput: requests/s meeting the "
         "TTFT and TPOT limits; headroom: units x one unit's highest rate within the SLOs, over the target "
         "(docs/sweep.md, \"Sizing\").\n";
  return out;
}

}  // namespace fleetlab::cli
