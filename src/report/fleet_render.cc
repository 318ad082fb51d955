#include "report/fleet_render.h"

#include <algorithm>

#include <fmt/format.h>

namespace fleetlab {

nlohmann::json FleetJson(const FleetReport& f) {
  return nlohmann::json{
      {"replicas", f.replicas},
      {"router", f.router},
      {"report_interval_ms", f.report_interval_ms},
      {"count_own_sends", f.count_own_sends},
      {"per_replica", {{"requests", f.requests}, {"mean_in_system", f.mean_in_system},
                       {"utilization", f.utilization}}},
      {"imbalance", {{"max_over_mean_requests", f.max_over_mean_requests}, {"load_cv", f.load_cv}}}};
}

std::string FleetText(const FleetReport& f) {
  constexpr std::size_t kShown = 16;
  std::string out = fmt::format("\n  fleet: {} replicas behind {} ({})\n", f.replicas, f.router,
                                f.report_interval_ms > 0
                                    ? fmt::format("load reported every {:g} ms{}", f.report_interval_ms,
                                                  f.count_own_sends ? ", plus its own sends" : "")
                                    : std::string("live load"));
  const std::size_t shown = std::min(kShown, f.requests.size());
  std::string requests, busy;
  for (std::size_t i = 0; i < shown; ++i) {
    requests += fmt::format(" {}", f.requests[i]);
    busy += fmt::format(" {:.0f}%", 100 * f.utilization[i]);
  }
  const char* more = f.requests.size() > shown ? " ..." : "";
  out += fmt::format("  requests per replica:{}{}\n  utilisation per replica:{}{}\n", requests, more, busy, more);
  out += fmt::format("  imbalance: max/mean requests {:.3f}, load CV {:.3f}\n", f.max_over_mean_requests, f.load_cv);
  return out;
}

}  // namespace fleetlab
