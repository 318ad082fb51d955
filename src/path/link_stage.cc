#include "path/link_stage.h"

#include <cassert>
#include <cmath>
#include <limits>

namespace fleetlab {

double LinkHopOptions::Capacity() const {
  if (lanes == 0 || bytes <= 0) return std::numeric_limits<double>::infinity();
  // Each delivered message costs 1/(1-loss) attempts on average (capped).
  double attempts = 0, p = 1;
  for (std::uint32_t a = 0; a < max_attempts; ++a, p *= loss) attempts += p;
  return lanes * bandwidth_Bps / bytes / attempts;
}

LinkStage::LinkStage(const LinkHopOptions& options, Rng rng, CompletionListener* next)
    : options_(options), rng_(rng), next_(next),
      serialise_ns_(options.bandwidth_Bps > 0 ? SecondsToNs(options.bytes / options.bandwidth_Bps) : 0) {}

std::uint32_t LinkStage::Allocate(const Request& r) {
  std::uint32_t slot;
  if (free_.empty()) {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  } else {
    slot = free_.back();
    free_.pop_back();
  }
  slots_[slot] = Message{r, 0, 0, 0, 0, true, true};
  return slot;
}

void LinkStage::Release(std::uint32_t slot) {
  slots_[slot].live = false;
  free_.push_back(slot);
}

void LinkStage::Submit(Simulator& sim, const Request& request) {
  Request r = request;
  r.entered = sim.now();
  ++messages_;
  in_flight_.Add(sim.now(), 1);
  StartAttempt(sim, Allocate(r));
}

void LinkStage::StartAttempt(Simulator& sim, std::uint32_t slot) {
  Message& m = slots_[slot];
  ++m.attempt;
  ++attempts_;
  m.attempt_start = sim.now();
  const SimDuration alpha = SecondsToNs(options_.alpha_s.Sample(rng_));
  m.pending = sim.ScheduleAfter(alpha, id_, kAlphaDone, slot);
}

void LinkStage::Serialise(Simulator& sim, std::uint32_t slot) {
  ++lanes_busy_;
  busy_.Set(sim.now(), lanes_busy_);
  slots_[slot].request.queued += sim.now() - slots_[slot].ready;
  slots_[slot].pending = sim.ScheduleAfter(serialise_ns_, id_, kSent, slot);
}

void LinkStage::OnSent(Simulator& sim, std::uint32_t slot) {
  assert(lanes_busy_ > 0);
  --lanes_busy_;
  busy_.Set(sim.now(), lanes_busy_);
  if (!waiting_.empty()) Serialise(sim, waiting_.PopFront());
  Message& m = slots_[slot];
  if (options_.loss > 0 && SampleBernoulli(rng_, options_.loss)) {
    if (m.attempt < options_.max_attempts) {
      m.pending = sim.Schedule(std::max(sim.now(), m.attempt_start + SecondsToNs(options_.retry_timeout_s)), id_,
                               kRetry, slot);
      return;
    }
    if (m.counted) ++lost_;
    in_flight_.Add(sim.now(), -1);
    const Request r = m.request;
    Release(slot);
    next_->OnDropped(sim, r);
    return;
  }
  in_flight_.Add(sim.now(), -1);
  const Request r = m.request;
  const SimTime started = m.ready;
  Release(slot);
  if (r.measured) latency_ms_.Add(NsToMs(sim.now() - r.entered));
  next_->OnCompleted(sim, r, started);
}

void LinkStage::OnEvent(Simulator& sim, const Event& event) {
  const auto slot = static_cast<std::uint32_t>(event.arg);
  switch (event.kind) {
    case kAlphaDone:
      slots_[slot].ready = sim.now();
      if (options_.lanes == 0 || lanes_busy_ < options_.lanes) {
        Serialise(sim, slot);
      } else {
        waiting_.PushBack(slot);
      }
      break;
    case kSent:
      OnSent(sim, slot);
      break;
    default:
      StartAttempt(sim, slot);
  }
}

bool LinkStage::Cancel(Simulator& sim, std::uint64_t id) {
  (void)sim;
  (void)id;
  return false;  // a message already on the wire is not withdrawn
}

void LinkStage::ResetStatistics(SimTime now) {
  busy_.Reset(now);
  in_flight_.Reset(now);
  messages_ = attempts_ = lost_ = 0;
  for (Message& m : slots_) m.counted = false;  // in flight now: sent before the window
}

void LinkStage::Fill(SimTime end, double window_s, StageReport* out) const {
  out->name = options_.name;
  out->kind = "link";
  out->latency_ms = latency_ms_.Summarize();
  out->capacity_per_s = Capacity();
  out->utilization = options_.lanes > 0 && window_s > 0 ? busy_.AverageThrough(end) / options_.lanes : 0.0;
  out->messages = messages_;
  out->attempts = attempts_;
  out->lost = lost_;
  out->energy_j = options_.energy_j_per_byte * options_.bytes * static_cast<double>(attempts_);
}

}  // namespace fleetlab
