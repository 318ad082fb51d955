#include "report/class_render.h"

#include <fmt/format.h>

#include "report/llm_render.h"

namespace fleetlab {

using nlohmann::json;

json ClassesJson(const std::vector<ClassReport>& classes, bool valid) {
  json out = json::array();
  for (const ClassReport& c : classes) {
    const auto slo = [](double ms) { return ms > 0 ? json(ms) : json(nullptr); };
    out.push_back({{"name", c.name},
                   {"completed", c.completed},
                   {"dropped", c.dropped},
                   {"throughput_rps", c.throughput_rps},
                   {"latency_ms",
                    {{"e2e", SummaryJson(c.e2e_ms, valid)},
                     {"ttft", c.ttft_ms.count > 0 ? SummaryJson(c.ttft_ms, valid) : json(nullptr)},
                     {"tpot", c.tpot_ms.count > 0 ? SummaryJson(c.tpot_ms, valid) : json(nullptr)}}},
                   {"slo", {{"ttft_ms", slo(c.ttft_slo_ms)}, {"tpot_ms", slo(c.tpot_slo_ms)}, {"e2e_ms", slo(c.e2e_slo_ms)}}},
                   {"slo_attainment", c.slo_attainment}});
  }
  return out;
}

std::string ClassesText(const std::vector<ClassReport>& classes, bool valid) {
  if (classes.empty()) return "";
  std::string out = fmt::format("\n  {:<14} {:>9} {:>9} {:>11} {:>11} {:>11} {:>11} {:>9}\n", "class", "completed",
                                "dropped", "TTFT p99", "TPOT p99", "E2E p50", "E2E p99", "SLO met");
  const auto ms = [valid](const Summary& s, double x) {
    return valid && s.count > 0 ? fmt::format("{:9.2f}ms", x) : fmt::format("{:>11}", "-");
  };
  for (const ClassReport& c : classes) {
    out += fmt::format("  {:<14} {:>9} {:>9} {:>11} {:>11} {:>11} {:>11} {:>8.1f}%\n", c.name, c.completed, c.dropped,
                       ms(c.ttft_ms, c.ttft_ms.p99), ms(c.tpot_ms, c.tpot_ms.p99), ms(c.e2e_ms, c.e2e_ms.p50),
                       ms(c.e2e_ms, c.e2e_ms.p99), 100 * c.slo_attainment);
  }
  return out;
}

}  // namespace fleetlab
