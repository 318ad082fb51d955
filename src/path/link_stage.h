// LinkStage: a network hop. Each message waits its start-up latency alpha
// (drawn per attempt: the jitter), then a free lane serialises its bytes
// (FIFO when all lanes are busy); an attempt is lost with probability
// `loss` and resent retry_timeout after it began, up to max_attempts.
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/path/options.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/util/ring_buffer.h"
#include "fleetlab/util/time_weighted.h"
#include "path/stage.h"

namespace fleetlab {

class LinkStage final : public Stage, public EventHandler {
 public:
  // `rng` draws alpha and losses. Does not own `next`.
  // REQUIRES: options validated; next outlives the stage.
  LinkStage(const LinkHopOptions& options, Rng rng, CompletionListener* next);
  void Attach(Simulator& sim) { id_ = sim.Register(this); }

  void Submit(Simulator& sim, const Request& request) override;
  void OnEvent(Simulator& sim, const Event& event) override;
  double InSystemNow() const override { return in_flight_.value(); }
  void ResetStatistics(SimTime now) override;
  void Fill(SimTime end, double window_s, StageReport* out) const override;
  double Capacity() const override { return options_.Capacity(); }
  bool Cancel(Simulator& sim, std::uint64_t id) override;

 private:
  enum Kind : std::uint32_t { kAlphaDone = 0, kSent = 1, kRetry = 2 };
  struct Message {
    Request request;
    std::uint32_t attempt = 0;
    SimTime attempt_start = 0, ready = 0;  // ready: alpha done, waiting for a lane
    EventId pending = 0;
    bool live = false;
    // Sent since the statistics' last reset: only those count as lost, as
    // only they count as messages (warm-up messages lost after the reset
    // had made lost + delivered exceed messages).
    bool counted = false;
  };

  std::uint32_t Allocate(const Request& r);
  void Release(std::uint32_t slot);
  void StartAttempt(Simulator& sim, std::uint32_t slot);
  void Serialise(Simulator& sim, std::uint32_t slot);
  void OnSent(Simulator& sim, std::uint32_t slot);

  LinkHopOptions options_;
  Rng rng_;
  CompletionListener* next_;
  HandlerId id_ = 0;
  SimDuration serialise_ns_;
  std::vector<Message> slots_;
  std::vector<std::uint32_t> free_;
  RingBuffer<std::uint32_t> waiting_;  // alpha done, no lane free
  std::uint32_t lanes_busy_ = 0;
  TimeWeighted busy_, in_flight_;
  SampleSet latency_ms_;
  std::uint64_t messages_ = 0, attempts_ = 0, lost_ = 0;
};

}  // namespace fleetlab
