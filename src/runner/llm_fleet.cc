#include "runner/llm_fleet.h"

#include <utility>

namespace fleetlab {

Result<std::unique_ptr<SystemUnderLoad>> LlmFleet::Build(const ReplicaSystem& s, const RandomStreams& streams,
                                                         Simulator& sim, CompletionListener* listener,
                                                         const RunHooks& hooks, SimDuration horizon) {
  std::unique_ptr<LlmFleet> sys(new LlmFleet(horizon));
  const std::uint32_t n = s.fleet ? s.fleet->replicas : 1;
  // Identical members share one performance model and one copy of their
  // options (a heterogeneous fleet's build their own).
  const auto perf = s.members.empty() ? ReplicaPool::SharedPerf(s.replica, n) : nullptr;
  const auto shared = s.members.empty() ? std::make_shared<const ReplicaOptions>(s.replica) : nullptr;
  for (std::uint32_t i = 0; i < n; ++i) {
    auto options = shared != nullptr ? shared : std::make_shared<const ReplicaOptions>(s.Member(i));
    auto added = sys->pool_.Add(std::move(options), streams, i, listener, sim, perf);
    if (!added.ok()) return added.status();
    LlmReplica* rep = *added;
    rep->SetRequestLog(hooks.requests, i, RequestPool::kNone);
    if (i == 0) {
      rep->SetTimeline(hooks.timeline);
      rep->SetKvHeatmap(hooks.kv_heatmap);
    }
  }
  if (s.fleet) sys->pool_.Route(s.fleet->router, streams.Stream(StreamId::kRouting), sim);
  return std::unique_ptr<SystemUnderLoad>(std::move(sys));
}

void LlmFleet::Fill(const Scenario& s, SimTime end, Report* r) const {
  const RequestSizeOptions& sizes = s.workload.sizes;
  const double prompt = sizes.prompt_tokens.Mean() + static_cast<double>(sizes.prefix_tokens);
  r->capacity_per_s += pool_.Capacity(prompt, sizes.output_tokens.Mean());
  pool_.AddTimeAverages(end, r->window_s, &r->mean_queue_length, &r->mean_in_system);
  PoolReport pool = pool_.Report(end, r->window_s);
  r->utilization = pool.llm.busy_fraction;
  r->mean_batch_size = pool.llm.mean_batch_size;
  r->llm = std::move(pool.llm);
  if (s.fleet()) r->fleet = std::move(pool.fleet);
}

}  // namespace fleetlab
