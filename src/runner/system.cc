#include "runner/system.h"

#include <utility>

#include "disagg/disagg_system.h"
#include "fleet/llm_merge.h"
#include "fleet/station_probe.h"

namespace fleetlab {

// One replica's measured completions, counted on the way to the run's
// listener.
class ReplicaTally final : public CompletionListener {
 public:
  explicit ReplicaTally(CompletionListener* next) : next_(next) {}
  void OnCompleted(Simulator& sim, const Request& r, SimTime service_start) override {
    completed_ += r.measured ? 1 : 0;
    next_->OnCompleted(sim, r, service_start);
  }
  void OnDropped(Simulator& sim, const Request& r) override { next_->OnDropped(sim, r); }
  std::uint64_t completed() const { return completed_; }

 private:
  CompletionListener* next_;
  std::uint64_t completed_ = 0;
};

namespace {

class ReplicaProbe final : public LoadProbe {
 public:
  explicit ReplicaProbe(const LlmReplica* r) : r_(r) {}
  ReplicaLoad Read() const override { return {r_->in_system().value(), r_->KvStoredFraction()}; }

 private:
  const LlmReplica* r_;
};

}  // namespace

System::~System() = default;

Result<std::unique_ptr<System>> System::Build(const Scenario& s, const RandomStreams& streams, Simulator& sim,
                                              CompletionListener* listener, const RunHooks& hooks,
                                              SimDuration horizon) {
  std::unique_ptr<System> sys(new System());
  sys->horizon_ = horizon;
  if (s.path) {
    sys->path_ = Path::Build(*s.path, streams, sim, listener);
    sys->target_ = sys->path_->entry();
    return sys;
  }
  if (s.disaggregation) {  // disaggregated prefill and decode: its own build
    auto d = DisaggSystem::Build(*s.disaggregation, streams, sim, listener, hooks.timeline, hooks.kv_heatmap,
                                 horizon, hooks.requests);
    if (!d.ok()) return d.status();
    sys->disagg_ = std::move(d).value();
    sys->target_ = sys->disagg_->target();
    return sys;
  }
  const std::uint32_t n = s.fleet ? s.fleet->replicas : 1;
  std::vector<RouteTarget> targets;
  for (std::uint32_t i = 0; i < n; ++i) {
    sys->tallies_.push_back(std::make_unique<ReplicaTally>(listener));
    auto target = sys->AddReplica(s, streams, sim, hooks, i);
    if (!target.ok()) return target.status();
    targets.push_back(*target);
  }
  sys->target_ = targets.front().target;
  if (s.fleet) {
    sys->router_ = std::make_unique<Router>(targets, s.fleet->router, streams.Stream(StreamId::kRouting));
    sys->router_->Attach(sim);
    sys->target_ = sys->router_.get();
  }
  return sys;
}

Result<RouteTarget> System::AddReplica(const Scenario& s, const RandomStreams& streams, Simulator& sim,
                                       const RunHooks& hooks, std::uint32_t index) {
  ReplicaTally* tally = tallies_.back().get();
  if (!s.replica) {
    stations_.push_back(
        std::make_unique<Station>(s.StationOf(index), streams.Stream(StreamId::kService, index), tally));
    Station* st = stations_.back().get();
    st->Attach(sim);
    probes_.push_back(std::make_unique<StationProbe>(st));
    return RouteTarget{st, probes_.back().get()};
  }
  auto replica = LlmReplica::Create(s.ReplicaOf(index), streams, tally, index);
  if (!replica.ok()) return replica.status();
  replicas_.push_back(std::move(replica).value());
  LlmReplica* rep = replicas_.back().get();
  rep->Attach(sim);
  rep->SetRequestLog(hooks.requests, index, RequestPool::kNone);
  if (index == 0) {  // a fleet's timeline and heatmap show replica 0
    rep->SetTimeline(hooks.timeline);
    rep->SetKvHeatmap(hooks.kv_heatmap);
  }
  probes_.push_back(std::make_unique<ReplicaProbe>(rep));
  return RouteTarget{rep, probes_.back().get()};
}

double System::InSystemNow() const {
  if (path_) return path_->InSystemNow();
  double total = disagg_ ? disagg_->InSystemNow() : 0;
  for (const auto& st : stations_) total += st->in_system().value();
  for (const auto& rep : replicas_) total += rep->in_system().value();
  return total;
}

void System::ResetStatistics(SimTime now) {
  if (path_) path_->ResetStatistics(now);
  for (const auto& st : stations_) st->ResetStatistics(now);
  for (const auto& rep : replicas_) rep->ResetStatistics(now, horizon_);
  if (disagg_) disagg_->ResetStatistics(now);
}

bool System::CloseWindow(SimTime now) {
  if (path_) return false;
  for (const auto& st : stations_) st->CloseWindow(now);
  for (const auto& rep : replicas_) rep->CloseWindow(now);
  if (disagg_) disagg_->CloseWindow(now);
  return true;
}

void System::Fill(const Scenario& s, SimTime end, Report* r) const {
  if (path_) {
    path_->Fill(end, r);
    return;
  }
  if (disagg_) return disagg_->Fill(s.workload.sizes, end, r);
  std::vector<double> busy;
  if (s.replica) {
    FillReplicas(s, end, r, &busy);
  } else {
    FillStations(s, end, r, &busy);
  }
  if (s.fleet) r->fleet = FleetFigures(*s.fleet, end, r->window_s, std::move(busy));
}

void System::FillStations(const Scenario& s, SimTime end, Report* r, std::vector<double>* busy) const {
  const auto n = static_cast<double>(stations_.size());
  std::uint64_t batches = 0, batched = 0;
  for (std::size_t i = 0; i < stations_.size(); ++i) {
    const auto& st = stations_[i];
    r->capacity_per_s += s.StationOf(i).Capacity();
    busy->push_back(r->window_s > 0 ? st->busy_servers().Average(end) / s.StationOf(i).servers : 0.0);
    if (r->window_s > 0) {
      r->utilization += busy->back() / n;
      r->mean_queue_length += st->queue_length().Average(end);
      r->mean_in_system += st->in_system().Average(end);
    }
    batches += st->batches_started();
    batched += st->batched_requests();
  }
  r->mean_batch_size = batches > 0 ? static_cast<double>(batched) / static_cast<double>(batches) : 0.0;
}

void System::FillReplicas(const Scenario& s, SimTime end, Report* r, std::vector<double>* busy) const {
  const RequestSizeOptions& sizes = s.workload.sizes;
  const double prompt = sizes.prompt_tokens.Mean() + static_cast<double>(sizes.prefix_tokens);
  std::vector<LlmReport> parts(replicas_.size());
  std::vector<std::uint64_t> completed;
  LlmSamples pooled;
  for (std::size_t i = 0; i < replicas_.size(); ++i) {
    const LlmReplica& rep = *replicas_[i];
    r->capacity_per_s += rep.EstimateCapacity(prompt, sizes.output_tokens.Mean());
    rep.Fill(end, r->window_s, &parts[i]);
    if (replicas_.size() > 1) rep.AppendSamples(&pooled);
    busy->push_back(parts[i].busy_fraction);
    completed.push_back(tallies_[i]->completed());
    if (r->window_s > 0) {
      r->mean_queue_length += rep.queue_length().Average(end);
      r->mean_in_system += rep.in_system().Average(end);
    }
  }
  LlmReport llm = parts.size() == 1 ? std::move(parts.front())
                                    : CombineLlmReports(parts, completed, pooled, r->window_s);
  r->utilization = llm.busy_fraction;
  r->mean_batch_size = llm.mean_batch_size;
  r->llm = std::move(llm);
}

FleetReport System::FleetFigures(const FleetOptions& fleet, SimTime end, double window_s,
                                 std::vector<double> busy) const {
  FleetReport f;
  f.replicas = fleet.replicas;
  f.router = RouterPolicyName(fleet.router.policy);
  f.report_interval_ms = fleet.router.report_interval_s * 1e3;
  f.count_own_sends = fleet.router.count_own_sends;
  f.utilization = std::move(busy);
  for (std::size_t i = 0; i < tallies_.size(); ++i) {
    f.requests.push_back(tallies_[i]->completed());
    const TimeWeighted& load = stations_.empty() ? replicas_[i]->in_system() : stations_[i]->in_system();
    f.mean_in_system.push_back(window_s > 0 ? load.Average(end) : 0.0);
  }
  ComputeImbalance(&f);
  return f;
}

}  // namespace fleetlab
