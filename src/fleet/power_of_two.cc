// Power of two choices (Mitzenmacher 2001; Vvedenskaya et al. 1996): two
// distinct replicas drawn uniformly (stream "routing"), the request goes to
// the one with fewer outstanding requests; on a tie, the lower index. Two
// reads per request, yet the queue-length tail falls doubly exponentially.
#include <utility>

#include "fleet/routing_policy.h"

namespace fleetlab {
namespace {

class PowerOfTwoPolicy final : public RoutingPolicy {
 public:
  explicit PowerOfTwoPolicy(Rng rng) : rng_(rng) {}

  std::size_t Choose(const LoadBoard& loads) override {
    const std::uint64_t n = loads.size();
    if (n == 1) return 0;
    std::size_t a = static_cast<std::size_t>(rng_.Below(n));
    std::size_t b = static_cast<std::size_t>(rng_.Below(n - 1));
    if (b >= a) ++b;  // uniform over the other n - 1 replicas
    if (b < a) std::swap(a, b);
    return loads.Outstanding(b) < loads.Outstanding(a) ? b : a;
  }

 private:
  Rng rng_;
};

}  // namespace

std::unique_ptr<RoutingPolicy> MakePowerOfTwoPolicy(Rng rng) { return std::make_unique<PowerOfTwoPolicy>(rng); }

}  // namespace fleetlab
