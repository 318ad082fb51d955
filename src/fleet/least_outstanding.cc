// Least outstanding requests (join the shortest queue): the replica with the
// fewest running + queued requests as the router sees them; ties go to the
// lowest index. Reads every replica's count: O(N) per request, from the
// board's one array where the replicas mirror their counts (LoadBoard).
#include "fleet/routing_policy.h"

namespace fleetlab {
namespace {

class LeastOutstandingPolicy final : public RoutingPolicy {
 public:
  std::size_t Choose(const LoadBoard& loads) override {
    std::size_t best = 0;
    double best_load = loads.Outstanding(0);
    for (std::size_t i = 1; i < loads.size(); ++i) {
      const double load = loads.Outstanding(i);
      if (load < best_load) {  // strict: an equal load keeps the lower index
        best = i;
        best_load = load;
      }
    }
    return best;
  }
};

}  // namespace

std::unique_ptr<RoutingPolicy> MakeLeastOutstandingPolicy() { return std::make_unique<LeastOutstandingPolicy>(); }

}  // namespace fleetlab
