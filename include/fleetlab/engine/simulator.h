// Simulator: the generic discrete-event core. It knows nothing of requests,
// queues or LLMs; entities implement EventHandler and talk to each other only
// through events scheduled here.
//
// There is no global state: each Simulator owns its clock, its event queue and
// its sequence counter, so any number of simulations may run at once in one
// process (on different threads, one Simulator per thread).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <unordered_set>
#include <vector>

#include "fleetlab/engine/event.h"
#include "fleetlab/engine/event_queue.h"
#include "fleetlab/time.h"

namespace fleetlab {

class Simulator;

class EventHandler {
 public:
  virtual ~EventHandler() = default;
  // Called when an event addressed to this handler becomes due. sim.now()
  // equals event.time(). The handler may schedule further events.
  virtual void OnEvent(Simulator& sim, const Event& event) = 0;
};

class Simulator {
 public:
  // At most this many blocks of hot memory per handler (SetHotMemory).
  static constexpr std::size_t kMaxHotBlocks = 6;
  // Run prefetches only once the handlers' hot memory, all together, is
  // above this: what an event touches is a few times its hot blocks, and
  // below this a core's L2 cache (0.5-2 MiB) holds every handler's, so the
  // prefetches would be pure cost (measured in design.md, Speed).
  static constexpr std::size_t kPrefetchAboveBytes = 256 << 10;

  Simulator() = default;
  Simulator(const Simulator&) = delete;
  Simulator& operator=(const Simulator&) = delete;

  // Registers a handler and returns the id to address events to it.
  // Does not take ownership. REQUIRES: handler outlives every Run call.
  HandlerId Register(EventHandler* handler);

  // Names the memory `id`'s events touch first: a prefetch hint. While one
  // event runs, Run prefetches the blocks of the handler the next event is
  // for, so a run over many handlers (a 512-replica fleet, each replica's
  // state cold in cache) overlaps their misses instead of taking them one
  // after another (only past kPrefetchAboveBytes). It changes no event and
  // no result; a block that has since moved costs speed only. Set it once
  // the blocks' addresses are fixed.
  // REQUIRES: id was returned by Register; blocks.size() <= kMaxHotBlocks;
  // each block under 4 GiB.
  void SetHotMemory(HandlerId id, std::initializer_list<std::span<const std::byte>> blocks);
  // Whether Run prefetches: the handlers' hot memory is past
  // kPrefetchAboveBytes. A handler may gate its own look-ahead on it.
  bool prefetching() const { return hot_bytes_ > kPrefetchAboveBytes; }

  // The one API through which events are created. Schedules an event for
  // `target` at absolute time `at` and returns its id.
  // REQUIRES: at >= now(); target was returned by Register.
  EventId Schedule(SimTime at, HandlerId target, std::uint32_t kind, std::uint64_t arg = 0);
  EventId ScheduleAfter(SimDuration delay, HandlerId target, std::uint32_t kind,
                        std::uint64_t arg = 0) {
    return Schedule(now_ + delay, target, kind, arg);
  }

  // Cancels a pending event: it will not be delivered.
  // REQUIRES: `id` was scheduled, has not been delivered and was not cancelled.
  void Cancel(EventId id);

  // Delivers events in EventKey order until the queue is empty, Stop() is
  // called, or the next event lies after `until` (the clock then advances
  // to `until` if until != kTimeNever), or after kHorizon (time.h): that
  // event is not delivered, horizon_reached() turns true, and the run
  // cannot go on. Returns the number delivered.
  std::uint64_t Run(SimTime until = kTimeNever);

  // Makes the current Run return after the event being handled.
  void Stop() { stop_requested_ = true; }

  // Bounds the total events delivered over the simulator's life: Run returns
  // once `limit` events have been delivered, and event_limit_reached() is
  // then true. The default is no limit.
  void SetEventLimit(std::uint64_t limit) { event_limit_ = limit; }
  bool event_limit_reached() const { return delivered_ >= event_limit_; }

  // Whether Run stopped at an event later than kHorizon: the clock would have
  // left the range a run may reach (a duration beyond the horizon).
  bool horizon_reached() const { return horizon_reached_; }

  SimTime now() const { return now_; }
  std::uint64_t events_delivered() const { return delivered_; }
  // Events scheduled but not yet delivered or cancelled.
  std::size_t pending() const { return queue_.size() - cancelled_.size(); }

 private:
  SimTime now_ = 0;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t delivered_ = 0;
  // Pops the top event if it was cancelled; returns whether it did.
  bool DropIfCancelled();
  void PrefetchFor(HandlerId id) const;

  bool stop_requested_ = false;
  bool horizon_reached_ = false;
  std::uint64_t event_limit_ = UINT64_MAX;
  EventQueue queue_;
  std::vector<EventHandler*> handlers_;
  struct HotBlock {
    const std::byte* at = nullptr;
    std::uint32_t bytes = 0;  // 0: the handler's list ends here
  };
  std::vector<std::array<HotBlock, kMaxHotBlocks>> hot_;  // by handler id; may be shorter than handlers_
  std::size_t hot_bytes_ = 0;                             // the blocks', summed over handlers
  std::unordered_set<EventId> cancelled_;  // pending ids only; empty in most runs
};

}  // namespace fleetlab
