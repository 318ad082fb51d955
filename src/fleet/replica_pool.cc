#include "fleet/replica_pool.h"

#include <cassert>
#include <utility>

#include "fleet/llm_merge.h"

namespace fleetlab {

ReplicaPool::ReplicaPool(SimDuration horizon) : horizon_(horizon) {}

ReplicaPool::~ReplicaPool() = default;

std::shared_ptr<const PerfModel> ReplicaPool::SharedPerf(const ReplicaOptions& o, std::uint32_t count) {
  if (count < 2) return nullptr;
  auto perf = MakeRooflineModel(o.hardware);
  if (!perf.ok()) return nullptr;
  return std::move(perf).value();
}

Result<LlmReplica*> ReplicaPool::Add(std::shared_ptr<const ReplicaOptions> o, const RandomStreams& streams,
                                     std::uint64_t stream_index, CompletionListener* next, Simulator& sim,
                                     std::shared_ptr<const PerfModel> perf) {
  assert(router_ == nullptr && next != nullptr);
  tallies_.push_back(std::make_unique<CompletionTally>(next));
  auto replica = LlmReplica::Create(std::move(o), streams, tallies_.back().get(), stream_index, std::move(perf));
  if (!replica.ok()) {
    tallies_.pop_back();
    return replica.status();
  }
  replicas_.push_back(std::move(replica).value());
  LlmReplica* r = replicas_.back().get();
  r->SetSeries(replicas_.size() == 1);  // Report shows the first replica's series (CombineLlmReports)
  r->Attach(sim);
  probes_.push_back(std::make_unique<ReplicaProbe>(r));
  return r;
}

void ReplicaPool::Route(const RouterOptions& o, Rng rng, Simulator& sim, const std::vector<RequestTarget*>& fronts) {
  assert(!replicas_.empty() && router_ == nullptr);
  assert(fronts.empty() || fronts.size() == replicas_.size());
  std::vector<RouteTarget> targets;
  targets.reserve(replicas_.size());
  for (std::size_t i = 0; i < replicas_.size(); ++i) {
    RequestTarget* to = fronts.empty() ? replicas_[i].get() : fronts[i];
    targets.push_back(RouteTarget{to, probes_[i].get()});
  }
  router_options_ = o;
  router_ = std::make_unique<Router>(targets, o, std::move(rng));
  router_->Attach(sim);
}

RequestTarget* ReplicaPool::entry() const {
  assert(!replicas_.empty());
  if (router_) return router_.get();
  return replicas_.front().get();
}

double ReplicaPool::InSystemNow() const {
  double total = 0;
  for (const auto& r : replicas_) total += r->in_system().value();
  return total;
}

void ReplicaPool::ResetStatistics(SimTime now) {
  for (const auto& r : replicas_) r->ResetStatistics(now, horizon_);
  for (const auto& t : tallies_) t->Reset();
}

void ReplicaPool::CloseWindow(SimTime now) {
  for (const auto& r : replicas_) r->CloseWindow(now);
}

double ReplicaPool::Capacity(double mean_prompt, double mean_output, const ServedPart& part) const {
  double total = 0;
  for (const auto& r : replicas_) total += r->EstimateCapacity(mean_prompt, mean_output, part);
  return total;
}

void ReplicaPool::AddTimeAverages(SimTime end, double window_s, double* queue, double* in_system) const {
  if (window_s <= 0) return;
  for (const auto& r : replicas_) {
    *queue += r->queue_length().Average(end);
    *in_system += r->in_system().Average(end);
  }
}

PoolReport ReplicaPool::Report(SimTime end, double window_s) const {
  assert(!replicas_.empty());
  PoolReport out;
  FleetReport& f = out.fleet;
  f.replicas = static_cast<std::uint32_t>(replicas_.size());
  if (router_) {
    f.router = RouterPolicyName(router_options_.policy);
    f.report_interval_ms = router_options_.report_interval_s * 1e3;
    f.count_own_sends = router_options_.count_own_sends;
  }
  std::vector<LlmReport> parts(replicas_.size());
  LlmSamples pooled;
  for (std::size_t i = 0; i < replicas_.size(); ++i) {
    const LlmReplica& r = *replicas_[i];
    r.Fill(end, window_s, &parts[i]);
    if (replicas_.size() > 1) r.AppendSamples(&pooled);
    f.requests.push_back(tallies_[i]->completed());
    f.mean_in_system.push_back(window_s > 0 ? r.in_system().Average(end) : 0.0);
    f.utilization.push_back(parts[i].busy_fraction);
  }
  ComputeImbalance(&f);
  out.llm = parts.size() == 1 ? std::move(parts.front()) : CombineLlmReports(parts, f.requests, pooled, window_s);
  return out;
}

}  // namespace fleetlab
