#include "fleetlab/engine/simulator.h"

#include <cassert>

namespace fleetlab {

HandlerId Simulator::Register(EventHandler* handler) {
  assert(handler != nullptr);
  handlers_.push_back(handler);
  return static_cast<HandlerId>(handlers_.size() - 1);
}

void Simulator::SetHotMemory(HandlerId id, std::initializer_list<std::span<const std::byte>> blocks) {
  assert(id < handlers_.size());
  assert(blocks.size() <= kMaxHotBlocks);
  if (hot_.size() <= id) hot_.resize(handlers_.size());
  for (const HotBlock& b : hot_[id]) hot_bytes_ -= b.bytes;
  hot_[id] = {};
  std::size_t i = 0;
  for (const auto& b : blocks) {
    assert(b.size() < (std::size_t{1} << 32));
    if (b.empty()) continue;
    hot_[id][i++] = HotBlock{b.data(), static_cast<std::uint32_t>(b.size())};
    hot_bytes_ += b.size();
  }
}

// Inlined by force: out of line, GCC judges a function of prefetches alone to
// have no effect and drops the call.
[[gnu::always_inline]] inline void Simulator::PrefetchFor(HandlerId id) const {
  if (id >= hot_.size()) return;
  constexpr std::uintptr_t kLine = 64;
  for (const HotBlock& b : hot_[id]) {
    if (b.bytes == 0) return;
    const auto begin = reinterpret_cast<std::uintptr_t>(b.at);
    for (std::uintptr_t line = begin & ~(kLine - 1); line < begin + b.bytes; line += kLine) {
      __builtin_prefetch(reinterpret_cast<const void*>(line));
    }
  }
}

EventId Simulator::Schedule(SimTime at, HandlerId target, std::uint32_t kind, std::uint64_t arg) {
  assert(at >= now_);
  assert(target < handlers_.size());
  Event e;
  e.key = EventKey{at, next_sequence_++};
  e.target = target;
  e.kind = kind;
  e.arg = arg;
  queue_.Push(e);
  return e.id();
}

void Simulator::Cancel(EventId id) {
  assert(id < next_sequence_);
  [[maybe_unused]] bool inserted = cancelled_.insert(id).second;
  assert(inserted);
}

bool Simulator::DropIfCancelled() {
  if (cancelled_.empty() || cancelled_.erase(queue_.Top().id()) == 0) return false;
  queue_.Pop();
  return true;
}

std::uint64_t Simulator::Run(SimTime until) {
  stop_requested_ = false;
  const std::uint64_t first = delivered_;
  while (!queue_.empty() && !stop_requested_ && delivered_ < event_limit_) {
    if (queue_.Top().time() > until) break;
    if (queue_.Top().time() > kHorizon) {
      if (DropIfCancelled()) continue;
      horizon_reached_ = true;  // the event stays pending; the clock never passes the horizon
      break;
    }
    const Event e = queue_.Pop();
    if (prefetching() && !queue_.empty()) PrefetchFor(queue_.Top().target);
    if (!cancelled_.empty() && cancelled_.erase(e.id()) > 0) continue;
    now_ = e.time();
    ++delivered_;
    handlers_[e.target]->OnEvent(*this, e);
  }
  const bool interrupted = stop_requested_ || delivered_ >= event_limit_ || horizon_reached_;
  if (until != kTimeNever && !interrupted && until > now_) now_ = until;
  return delivered_ - first;
}

}  // namespace fleetlab
