// Least KV load: the replica whose KV cache holds the smallest fraction of
// its capacity in stored tokens (a generic station: the fewest waiting
// requests). Queued requests hold no KV yet, so replicas often tie (every
// idle one at 0): ties go to the fewest outstanding requests, then to the
// lowest index, so a burst is not piled onto replica 0.
#include "fleet/routing_policy.h"

namespace fleetlab {
namespace {

bool Lighter(const ReplicaLoad& a, const ReplicaLoad& b) {
  if (a.kv != b.kv) return a.kv < b.kv;
  return a.outstanding < b.outstanding;
}

class LeastKvPolicy final : public RoutingPolicy {
 public:
  std::size_t Choose(const LoadBoard& loads) override {
    std::size_t best = 0;
    ReplicaLoad best_load = loads.Seen(0);
    for (std::size_t i = 1; i < loads.size(); ++i) {
      const ReplicaLoad load = loads.Seen(i);
      if (Lighter(load, best_load)) {  // strict: a full tie keeps the lower index
        best = i;
        best_load = load;
      }
    }
    return best;
  }
};

}  // namespace

std::unique_ptr<RoutingPolicy> MakeLeastKvPolicy() { return std::make_unique<LeastKvPolicy>(); }

}  // namespace fleetlab
