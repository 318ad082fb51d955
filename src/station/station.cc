#include "fleetlab/station/station.h"

#include <algorithm>
#include <cassert>

namespace fleetlab {

Station::Station(const StationOptions& options, Rng service_rng, CompletionListener* listener)
    : options_(options), rng_(service_rng), listener_(listener) {
  batches_in_service_.resize(options_.servers);
  service_event_.resize(options_.servers, 0);
  if (options_.power.enabled()) power_ = std::make_unique<PowerMeter>(options_.power, options_.servers);
  for (std::uint32_t s = options_.servers; s-- > 0;) free_servers_.push_back(s);
}

void Station::ResetStatistics(SimTime now) {
  queue_len_.Reset(now);
  in_system_.Reset(now);
  busy_.Reset(now);
  if (power_) power_->Reset(now);
}

void Station::Submit(Simulator& sim, const Request& request) {
  const SimTime now = sim.now();
  if (free_servers_.empty() && options_.queue_capacity && queue_.size() >= *options_.queue_capacity) {
    listener_->OnDropped(sim, request);
    return;
  }
  queue_.PushBack(Waiting{request, now});
  queue_len_.Set(now, static_cast<double>(queue_.size()));
  in_system_.Add(now, 1);
  TryDispatch(sim);
}

void Station::TryDispatch(Simulator& sim) {
  const SimTime now = sim.now();
  const BatchingOptions& b = options_.batching;
  const SimDuration window = SecondsToNs(b.window_s);
  while (!free_servers_.empty() && !queue_.empty()) {
    const bool full = queue_.size() >= b.max_batch;
    const bool expired = now - queue_.Front().enqueued >= window;
    if (!full && !expired) {
      if (!window_timer_pending_) {
        window_timer_pending_ = true;
        sim.Schedule(queue_.Front().enqueued + window, id_, kWindowExpired);
      }
      return;
    }
    const std::uint32_t server = free_servers_.back();
    free_servers_.pop_back();
    StartBatch(sim, server, static_cast<std::uint32_t>(std::min<std::size_t>(queue_.size(), b.max_batch)));
  }
}

void Station::StartBatch(Simulator& sim, std::uint32_t server, std::uint32_t size) {
  const SimTime now = sim.now();
  std::vector<InService>& batch = batches_in_service_[server];
  assert(batch.empty());
  for (std::uint32_t i = 0; i < size; ++i) batch.push_back(InService{queue_.PopFront().request, now});
  in_service_requests_ += size;
  ++batches_;
  batched_requests_ += size;
  queue_len_.Set(now, static_cast<double>(queue_.size()));
  busy_.Add(now, 1);
  if (power_) power_->OnBusy(server, now);
  const double seconds = options_.service_s.Sample(rng_) + options_.batching.BaseTime(size);
  service_event_[server] = sim.ScheduleAfter(SecondsToNs(seconds), id_, kServiceDone, server);
}

void Station::Finish(Simulator& sim, std::uint32_t server) {
  const SimTime now = sim.now();
  std::vector<InService>& batch = batches_in_service_[server];
  in_service_requests_ -= batch.size();
  in_system_.Add(now, -static_cast<double>(batch.size()));
  busy_.Add(now, -1);
  if (power_) power_->OnIdle(server, now);
  for (const InService& s : batch) listener_->OnCompleted(sim, s.request, s.started);
  batch.clear();
  free_servers_.push_back(server);
}

std::optional<SimDuration> Station::Cancel(Simulator& sim, std::uint64_t id) {
  const SimTime now = sim.now();
  for (std::size_t i = 0; i < queue_.size(); ++i) {
    if (queue_[i].request.id != id) continue;
    queue_.EraseAt(i);
    queue_len_.Set(now, static_cast<double>(queue_.size()));
    in_system_.Add(now, -1);
    return SimDuration{0};
  }
  for (std::uint32_t server = 0; server < batches_in_service_.size(); ++server) {
    std::vector<InService>& batch = batches_in_service_[server];
    for (std::size_t j = 0; j < batch.size(); ++j) {
      if (batch[j].request.id != id) continue;
      const SimDuration served = now - batch[j].started;
      batch.erase(batch.begin() + static_cast<std::ptrdiff_t>(j));
      --in_service_requests_;
      in_system_.Add(now, -1);
      if (batch.empty()) {  // the server stops at once
        sim.Cancel(service_event_[server]);
        busy_.Add(now, -1);
        if (power_) power_->OnIdle(server, now);
        free_servers_.push_back(server);
        TryDispatch(sim);
      }
      return served;
    }
  }
  return std::nullopt;
}

void Station::OnEvent(Simulator& sim, const Event& event) {
  if (event.kind == kServiceDone) {
    Finish(sim, static_cast<std::uint32_t>(event.arg));
  } else {
    window_timer_pending_ = false;
  }
  TryDispatch(sim);
}

}  // namespace fleetlab
