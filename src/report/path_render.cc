#include "report/path_render.h"

#include <fmt/format.h>

#include "report/llm_render.h"

namespace fleetlab {
namespace {

using nlohmann::json;

json HedgeJson(const HedgeReport& h) {
  if (!h.enabled) return nullptr;
  return json{{"trigger", h.trigger},          {"delay_ms", h.delay_ms},
              {"requests", h.requests},        {"backups", h.backups},
              {"backup_wins", h.backup_wins},  {"cancelled", h.cancelled},
              {"backup_fraction", h.backup_fraction}, {"wasted_work_fraction", h.wasted_work_fraction}};
}

json StageJson(const StageReport& s, bool valid) {
  json out{{"name", s.name},
           {"kind", s.kind},
           {"latency_ms", SummaryJson(s.latency_ms, valid)},
           {"capacity_per_s", s.capacity_per_s},
           {"utilization", s.utilization},
           {"energy_j", s.energy_j}};
  if (s.kind == "link") {
    out["messages"] = s.messages;
    out["attempts"] = s.attempts;
    out["lost"] = s.lost;
  } else if (s.kind == "pool") {
    out["replicas"] = s.replicas;
    out["replica_utilization"] = s.replica_utilization;
    out["wakeups"] = s.wakeups;
    out["hedge"] = HedgeJson(s.hedge);
  } else {
    json children = json::array();
    for (const StageReport& b : s.branches) {
      children.push_back(StageJson(b, valid));
      if (s.kind == "fanout") {
        children.back()["started"] = b.started;
        children.back()["skipped"] = b.skipped;
      }
    }
    if (s.kind == "fanout") out["need"] = s.need;
    out[s.kind == "fanout" ? "branches" : "stages"] = children;
  }
  return out;
}

std::string StageLine(const StageReport& s, bool valid, const std::string& indent) {
  std::string line = fmt::format("{}{:<14} {:<6} mean {:>9} p99 {:>9} ms  util {:5.1f}%", indent, s.name, s.kind,
                                 valid ? fmt::format("{:.3f}", s.latency_ms.mean) : "-",
                                 valid ? fmt::format("{:.3f}", s.latency_ms.p99) : "-", 100 * s.utilization);
  if (s.kind == "link" && s.attempts > s.messages) {
    line += fmt::format("  retries {}", s.attempts - s.messages);
  }
  if (s.kind == "link" && s.lost > 0) line += fmt::format("  lost {}", s.lost);
  if (s.kind == "pool" && s.hedge.enabled) {
    line += fmt::format("  hedge after {:.2f} ms: backups {:.1f}%, wasted work {:.1f}%", s.hedge.delay_ms,
                        100 * s.hedge.backup_fraction, 100 * s.hedge.wasted_work_fraction);
  }
  if (s.kind == "fanout") line += fmt::format("  join {} of {}", s.need, s.branches.size());
  if (s.skipped > 0) line += fmt::format("  started {}, skipped {}", s.started, s.skipped);
  if (s.energy_j > 0) line += fmt::format("  {:.4g} J", s.energy_j);
  return line + "\n";
}

std::string StageLines(const StageReport& s, bool valid, const std::string& indent) {
  std::string out = StageLine(s, valid, indent);
  for (const StageReport& b : s.branches) out += StageLines(b, valid, indent + "  ");
  return out;
}

}  // namespace

json PathJson(const PathReport& p, bool valid) {
  json stages = json::array();
  for (const StageReport& s : p.stages) stages.push_back(StageJson(s, valid));
  const PathEnergy& e = p.energy;
  json energy = e.measured ? json{{"total_j", e.total_j},       {"compute_j", e.compute_j},
                                  {"radio_j", e.radio_j},       {"mean_power_w", e.mean_power_w},
                                  {"per_request_j", e.per_request_j}}
                           : json(nullptr);
  return json{{"stages", stages}, {"energy", energy}};
}

json DeadlineJson(const DeadlineReport& d) {
  return json{{"budget_ms", d.budget_ms}, {"met", d.met},
              {"missed", d.missed},       {"miss_rate", d.miss_rate},
              {"longest_miss_run", d.longest_miss_run}, {"stutters", d.stutters}};
}

std::string PathText(const PathReport& p, bool valid) {
  std::string out = "\n  path (time in each stage):\n";
  for (const StageReport& s : p.stages) out += StageLines(s, valid, "    ");
  const PathEnergy& e = p.energy;
  if (e.measured) {
    out += fmt::format("  energy: {:.4g} J ({:.4g} J compute, {:.4g} J radio), mean power {:.4g} W, {:.4g} mJ per "
                       "request\n", e.total_j, e.compute_j, e.radio_j, e.mean_power_w, 1e3 * e.per_request_j);
  }
  return out;
}

std::string DeadlineText(const DeadlineReport& d) {
  return fmt::format("\n  deadline {:g} ms: {} met, {} missed ({:.3f}%), longest run of misses {}, stutters {}\n",
                     d.budget_ms, d.met, d.missed, 100 * d.miss_rate, d.longest_miss_run, d.stutters);
}

}  // namespace fleetlab
