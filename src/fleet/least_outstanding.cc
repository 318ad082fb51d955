// Least outstanding requests (join the shortest queue): the replica with the
// fewest running + queued requests as the router sees them; ties go to the
// lowest index. Live over more than 32 replicas, the root of the board's
// tree of mirrored counts: O(1) per request, O(log N) per count change
// (LoadBoard, MinTree; Router's TrackLeast); else a scan of the counts.
#include "fleet/routing_policy.h"

namespace fleetlab {
namespace {

class LeastOutstandingPolicy final : public RoutingPolicy {
 public:
  std::size_t Choose(const LoadBoard& loads) override { return loads.LeastOutstanding(); }
};

}  // namespace

std::unique_ptr<RoutingPolicy> MakeLeastOutstandingPolicy() { return std::make_unique<LeastOutstandingPolicy>(); }

}  // namespace fleetlab
