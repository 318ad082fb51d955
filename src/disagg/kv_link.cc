#include "disagg/kv_link.h"

#include <algorithm>
#include <cassert>

namespace fleetlab {

KvLink::KvLink(const KvLinkOptions& options, KvLinkSink* sink)
    : options_(options), sink_(sink), alpha_ns_(SecondsToNs(options.link.latency_s)),
      lane_free_(options.lanes, 0) {
  assert(options.lanes >= 1 && options.link.bandwidth_Bps > 0 && sink != nullptr);
}

SimTime KvLink::Send(Simulator& sim, const Request& request, std::uint32_t source, double bytes) {
  const SimTime now = sim.now();
  const auto lane = static_cast<std::size_t>(std::min_element(lane_free_.begin(), lane_free_.end()) -
                                             lane_free_.begin());
  const SimTime start = std::max(now, lane_free_[lane]);
  const SimTime wire_end = start + SecondsToNs(bytes / options_.link.bandwidth_Bps);
  lane_free_[lane] = wire_end;
  const SimTime arrival = wire_end + alpha_ns_;
  std::uint32_t slot;
  if (!free_.empty()) {
    slot = free_.back();
    free_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(pending_.size());
    pending_.emplace_back();
  }
  pending_[slot] = Pending{request, source};
  ++in_flight_;
  sim.Schedule(arrival, id_, 0, slot);
  if (start >= window_start_) {
    ++transfers_;
    bytes_ += bytes;
    busy_.emplace_back(start, wire_end);
  }
  if (request.measured) {
    transfer_ms_.Add(NsToMs(arrival - now));
    wait_ms_.Add(NsToMs(start - now));
    waited_ += start > now;
  }
  return arrival;
}

void KvLink::OnEvent(Simulator& sim, const Event& event) {
  const auto slot = static_cast<std::uint32_t>(event.arg);
  const Pending p = pending_[slot];
  free_.push_back(slot);
  --in_flight_;
  sink_->OnTransferred(sim, p.request, p.source);
}

void KvLink::ResetStatistics(SimTime now) {
  window_start_ = now;
  transfer_ms_ = SampleSet{};
  wait_ms_ = SampleSet{};
  transfers_ = waited_ = 0;
  bytes_ = 0;
  busy_.clear();
}

void KvLink::Fill(SimTime end, KvLinkReport* out) const {
  out->link = options_.link.id;
  out->bandwidth_gbps = options_.link.bandwidth_Bps / 1e9;
  out->latency_us = options_.link.latency_s * 1e6;
  out->lanes = options_.lanes;
  out->transfers = transfers_;
  out->bytes_per_transfer = transfers_ > 0 ? bytes_ / static_cast<double>(transfers_) : 0;
  out->transfer_ms = transfer_ms_.Summarize();
  out->wait_ms = wait_ms_.Summarize();
  const std::size_t n = transfer_ms_.size();
  out->wait_probability = n > 0 ? static_cast<double>(waited_) / static_cast<double>(n) : 0;
  SimDuration busy = 0;
  for (const auto& [from, to] : busy_) busy += std::max<SimDuration>(0, std::min(to, end) - from);
  const SimDuration window = end - window_start_;
  out->utilization = window > 0 ? static_cast<double>(busy) / (static_cast<double>(window) * options_.lanes) : 0;
}

}  // namespace fleetlab
