#include "fleet/router.h"

#include <cassert>

namespace fleetlab {
namespace {

std::vector<const LoadProbe*> Probes(const std::vector<RouteTarget>& targets) {
  std::vector<const LoadProbe*> probes;
  probes.reserve(targets.size());
  for (const RouteTarget& t : targets) probes.push_back(t.probe);
  return probes;
}

// Whether the board keeps the least count at hand: for least-outstanding
// routing over more than 32 replicas. Below, a scan of the counts (at most
// four cache lines) costs no more than keeping the tree on every change
// (ScaleFleetReplicas, least outstanding, per request: 2.22 us scanning 32
// replicas against 2.23 tracking, 2.40 against 2.35 at 64, 5.59 against
// 4.84 at 512; medians of five alternations on the 2-core VM).
bool TrackLeast(const std::vector<RouteTarget>& targets, const RouterOptions& options) {
  return options.policy == RouterPolicy::kLeastOutstanding && targets.size() > 32;
}

}  // namespace

Router::Router(const std::vector<RouteTarget>& targets, const RouterOptions& options, Rng routing_rng)
    : board_(Probes(targets), options.report_interval_s <= 0, options.count_own_sends, TrackLeast(targets, options)),
      policy_(MakeRoutingPolicy(options.policy, routing_rng)),
      interval_(options.report_interval_s > 0 ? SecondsToNs(options.report_interval_s) : 0),
      reporting_(targets.size(), false), routed_(targets.size(), 0) {
  for (const RouteTarget& t : targets) targets_.push_back(t.target);
  if (options.report_interval_s > 0 && interval_ < 1) interval_ = 1;  // a positive interval rounds to at least 1 ns
}

SimTime Router::NextReport(std::size_t i, SimTime now) const {
  const auto n = static_cast<SimDuration>(targets_.size());
  const auto k = static_cast<SimDuration>(i);
  // i * interval / N without overflow (interval may be ~1e15 ns).
  const SimTime phase = interval_ / n * k + interval_ % n * k / n;
  if (now < phase) return phase;
  return phase + ((now - phase) / interval_ + 1) * interval_;
}

void Router::Submit(Simulator& sim, const Request& request) {
  const std::size_t i = policy_->Choose(board_);
  assert(i < targets_.size());
  last_ = i;
  SendTo(sim, request, i);
}

std::size_t Router::SubmitBackup(Simulator& sim, const Request& request, std::size_t exclude) {
  assert(targets_.size() >= 2);
  std::size_t best = exclude == 0 ? 1 : 0;
  for (std::size_t i = best + 1; i < targets_.size(); ++i) {
    if (i != exclude && board_.Outstanding(i) < board_.Outstanding(best)) best = i;
  }
  SendTo(sim, request, best);
  return best;
}

void Router::SendTo(Simulator& sim, const Request& request, std::size_t i) {
  ++routed_[i];
  board_.OnSent(i);
  targets_[i]->Submit(sim, request);
  if (interval_ > 0 && !reporting_[i]) {
    reporting_[i] = true;
    sim.Schedule(NextReport(i, sim.now()), id_, 0, i);
  }
}

void Router::OnEvent(Simulator& sim, const Event& event) {
  const auto i = static_cast<std::size_t>(event.arg);
  const ReplicaLoad load = board_.Report(i);
  if (load.empty()) {
    reporting_[i] = false;  // resumes when the router next sends it a request
    return;
  }
  sim.Schedule(sim.now() + interval_, id_, 0, i);
}

}  // namespace fleetlab
