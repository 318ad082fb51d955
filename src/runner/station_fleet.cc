#include "runner/station_fleet.h"

#include <utility>

namespace fleetlab {

Result<std::unique_ptr<SystemUnderLoad>> StationFleet::Build(const StationSystem& s, const RandomStreams& streams,
                                                             Simulator& sim, CompletionListener* listener) {
  std::unique_ptr<StationFleet> sys(new StationFleet());
  const std::uint32_t n = s.fleet ? s.fleet->replicas : 1;
  std::vector<RouteTarget> targets;
  for (std::uint32_t i = 0; i < n; ++i) {
    sys->tallies_.push_back(std::make_unique<CompletionTally>(listener));
    sys->stations_.push_back(
        std::make_unique<Station>(s.Member(i), streams.Stream(StreamId::kService, i), sys->tallies_.back().get()));
    Station* st = sys->stations_.back().get();
    st->Attach(sim);
    sys->probes_.push_back(std::make_unique<StationProbe>(st));
    targets.push_back(RouteTarget{st, sys->probes_.back().get()});
  }
  sys->target_ = targets.front().target;
  if (s.fleet) {
    sys->router_ = std::make_unique<Router>(targets, s.fleet->router, streams.Stream(StreamId::kRouting));
    sys->router_->Attach(sim);
    sys->target_ = sys->router_.get();
  }
  return std::unique_ptr<SystemUnderLoad>(std::move(sys));
}

double StationFleet::InSystemNow() const {
  double total = 0;
  for (const auto& st : stations_) total += st->in_system().value();
  return total;
}

void StationFleet::ResetStatistics(SimTime now) {
  for (const auto& st : stations_) st->ResetStatistics(now);
}

bool StationFleet::CloseWindow(SimTime now) {
  for (const auto& st : stations_) st->CloseWindow(now);
  return true;
}

double StationFleet::BusyShare(const Scenario& s, std::size_t i, SimTime end, double window_s) const {
  return window_s > 0 ? stations_[i]->busy_servers().Average(end) / s.StationOf(i).servers : 0.0;
}

void StationFleet::Fill(const Scenario& s, SimTime end, Report* r) const {
  const auto n = static_cast<double>(stations_.size());
  std::vector<double> busy;
  std::uint64_t batches = 0, batched = 0;
  for (std::size_t i = 0; i < stations_.size(); ++i) {
    const Station& st = *stations_[i];
    r->capacity_per_s += s.StationOf(i).Capacity();
    busy.push_back(BusyShare(s, i, end, r->window_s));
    if (r->window_s > 0) {
      r->utilization += busy.back() / n;
      r->mean_queue_length += st.queue_length().Average(end);
      r->mean_in_system += st.in_system().Average(end);
    }
    batches += st.batches_started();
    batched += st.batched_requests();
  }
  r->mean_batch_size = batches > 0 ? static_cast<double>(batched) / static_cast<double>(batches) : 0.0;
  if (s.fleet()) r->fleet = FleetFigures(*s.fleet(), end, r->window_s, std::move(busy));
}

FleetReport StationFleet::FleetFigures(const FleetOptions& fleet, SimTime end, double window_s,
                                       std::vector<double> busy) const {
  FleetReport f;
  f.replicas = fleet.replicas;
  f.router = RouterPolicyName(fleet.router.policy);
  f.report_interval_ms = fleet.router.report_interval_s * 1e3;
  f.count_own_sends = fleet.router.count_own_sends;
  f.utilization = std::move(busy);
  for (std::size_t i = 0; i < stations_.size(); ++i) {
    f.requests.push_back(tallies_[i]->completed());
    f.mean_in_system.push_back(window_s > 0 ? stations_[i]->in_system().Average(end) : 0.0);
  }
  ComputeImbalance(&f);
  return f;
}

}  // namespace fleetlab
