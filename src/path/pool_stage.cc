#include "path/pool_stage.h"

#include <cassert>

#include "fleet/station_probe.h"

namespace fleetlab {

class PoolStage::ReplicaDone final : public CompletionListener {
 public:
  ReplicaDone(PoolStage* pool, std::uint32_t index) : pool_(pool), index_(index) {}
  void OnCompleted(Simulator& sim, const Request& r, SimTime service_start) override {
    pool_->OnReplicaDone(sim, index_, r, service_start);
  }
  void OnDropped(Simulator& sim, const Request& r) override { pool_->OnReplicaDropped(sim, index_, r); }

 private:
  PoolStage* pool_;
  std::uint32_t index_;
};

PoolStage::PoolStage(const PoolOptions& options, const RandomStreams& streams, std::uint32_t first_stream,
                     CompletionListener* next)
    : options_(options), next_(next) {
  std::vector<RouteTarget> targets;
  for (std::uint32_t i = 0; i < options.replicas; ++i) {
    adapters_.push_back(std::make_unique<ReplicaDone>(this, i));
    stations_.push_back(std::make_unique<Station>(options.station, streams.Stream(StreamId::kService, first_stream + i),
                                                  adapters_.back().get()));
    probes_.push_back(std::make_unique<StationProbe>(stations_.back().get()));
    targets.push_back(RouteTarget{stations_.back().get(), probes_.back().get()});
  }
  router_ = std::make_unique<Router>(targets, options.router, streams.Stream(StreamId::kRouting, first_stream));
  quantile_delay_ = SecondsToNs(options.hedge.delay_s);
}

PoolStage::~PoolStage() = default;

void PoolStage::Attach(Simulator& sim) {
  id_ = sim.Register(this);
  for (auto& st : stations_) st->Attach(sim);
  router_->Attach(sim);
}

SimDuration PoolStage::HedgeDelay() const {
  if (options_.hedge.trigger == HedgeOptions::Trigger::kFixed) return SecondsToNs(options_.hedge.delay_s);
  return quantile_delay_;
}

void PoolStage::Submit(Simulator& sim, const Request& request) {
  Request r = request;
  r.entered = sim.now();
  ++entered_;
  if (!hedged()) return router_->Submit(sim, r);
  // The race exists before its first copy goes: a full replica drops the
  // copy inside Submit, and that drop must find it. (It did not, was taken
  // for a loser's, and the request was lost: neither answered nor dropped.)
  Hedge h;
  h.request = r;
  hedges_.emplace(r.id, h);
  router_->Submit(sim, r);
  const auto it = hedges_.find(r.id);
  if (it == hedges_.end()) return;  // dropped at once, and said so downstream
  it->second.primary = static_cast<std::uint32_t>(router_->last_choice());
  it->second.timer = sim.ScheduleAfter(HedgeDelay(), id_, 0, r.id);
  it->second.timer_armed = true;
}

void PoolStage::OnHedgeTimer(Simulator& sim, std::uint64_t id) {
  auto it = hedges_.find(id);
  if (it == hedges_.end() || it->second.backup_sent) return;
  Hedge& h = it->second;
  h.backup_sent = true;
  ++h.alive;
  ++backups_;
  h.backup = static_cast<std::uint32_t>(router_->SubmitBackup(sim, h.request, h.primary));
}

void PoolStage::OnEvent(Simulator& sim, const Event& event) { OnHedgeTimer(sim, event.arg); }

void PoolStage::Win(Simulator& sim, const Request& r, SimTime service_start) {
  ++answered_;
  const double ms = NsToMs(sim.now() - r.entered);
  if (r.measured) latency_ms_.Add(ms);
  if (options_.hedge.trigger == HedgeOptions::Trigger::kQuantile) {
    observed_ms_.Add(ms);
    const std::uint64_t n = observed_ms_.count();
    if (n >= options_.hedge.min_samples && n % 16 == 0) {
      quantile_delay_ = static_cast<SimDuration>(observed_ms_.Quantile(options_.hedge.quantile) * 1e6);
    }
  }
  Request out = r;
  out.queued += service_start - r.entered;
  next_->OnCompleted(sim, out, service_start);
}

void PoolStage::OnReplicaDone(Simulator& sim, std::uint32_t replica, const Request& r, SimTime service_start) {
  const double served = NsToSeconds(sim.now() - service_start);
  if (!hedged()) {
    useful_s_ += served;
    Win(sim, r, service_start);
    return;
  }
  auto it = hedges_.find(r.id);
  if (it == hedges_.end()) {  // the loser of a race already won, still run to the end
    wasted_s_ += served;
    return;
  }
  Hedge h = it->second;
  hedges_.erase(it);
  useful_s_ += served;
  if (h.backup_sent && replica == h.backup && h.backup != h.primary) ++backup_wins_;
  if (!h.backup_sent) {
    if (h.timer_armed) sim.Cancel(h.timer);
  } else if (h.alive > 1 && options_.hedge.cancel_loser) {
    const std::uint32_t loser = replica == h.backup ? h.primary : h.backup;
    if (auto done = stations_[loser]->Cancel(sim, r.id)) {
      wasted_s_ += NsToSeconds(*done);
      ++cancelled_;
    }
  }
  Win(sim, r, service_start);
}

void PoolStage::OnReplicaDropped(Simulator& sim, std::uint32_t replica, const Request& r) {
  (void)replica;
  if (hedged()) {
    auto it = hedges_.find(r.id);
    if (it == hedges_.end()) return;  // a loser's copy: nobody waits for it
    Hedge& h = it->second;
    if (--h.alive > 0) return;            // the other copy may still answer
    if (!h.backup_sent && h.timer_armed) sim.Cancel(h.timer);  // refused before the hedge fired
    hedges_.erase(it);
  }
  next_->OnDropped(sim, r);
}

bool PoolStage::Cancel(Simulator& sim, std::uint64_t id) {
  bool found = false;
  if (auto it = hedges_.find(id); it != hedges_.end()) {
    if (!it->second.backup_sent && it->second.timer_armed) sim.Cancel(it->second.timer);
    hedges_.erase(it);
  }
  for (auto& st : stations_) {
    if (auto done = st->Cancel(sim, id)) {
      wasted_s_ += NsToSeconds(*done);
      found = true;
    }
  }
  return found;
}

double PoolStage::InSystemNow() const {
  double n = 0;
  for (const auto& st : stations_) n += st->in_system().value();
  return n;
}

void PoolStage::ResetStatistics(SimTime now) {
  for (auto& st : stations_) st->ResetStatistics(now);
  answered_ = backups_ = backup_wins_ = cancelled_ = entered_ = 0;
  useful_s_ = wasted_s_ = 0;
}

void PoolStage::Fill(SimTime end, double window_s, StageReport* out) const {
  out->name = options_.name;
  out->kind = "pool";
  out->latency_ms = latency_ms_.Summarize();
  out->capacity_per_s = Capacity();
  out->replicas = options_.replicas;
  for (const auto& st : stations_) {
    const double u = window_s > 0 ? st->busy_servers().AverageThrough(end) / options_.station.servers : 0.0;
    out->replica_utilization.push_back(u);
    out->utilization += u / options_.replicas;
    if (const PowerMeter* p = st->power()) {
      out->energy_j += p->EnergyJ(end);
      out->wakeups += p->wakeups();
    }
  }
  HedgeReport& h = out->hedge;
  h.enabled = hedged();
  if (!h.enabled) return;
  h.trigger = options_.hedge.trigger == HedgeOptions::Trigger::kFixed ? "fixed" : "quantile";
  h.delay_ms = NsToMs(HedgeDelay());
  h.requests = answered_;
  h.backups = backups_;
  h.backup_wins = backup_wins_;
  h.cancelled = cancelled_;
  // Over the requests sent in, not those answered: inside a fan-out that
  // withdraws the rest, a withdrawn request's backup went all the same
  // (151% with one backup a request).
  h.backup_fraction = entered_ > 0 ? static_cast<double>(backups_) / static_cast<double>(entered_) : 0.0;
  h.wasted_work_fraction = useful_s_ + wasted_s_ > 0 ? wasted_s_ / (useful_s_ + wasted_s_) : 0.0;
}

}  // namespace fleetlab
