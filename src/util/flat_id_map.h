// FlatIdMap: 64-bit ids to 32-bit indices in one open-addressed array
// (linear probing, backward-shift erase), for per-event look-ups where
// std::unordered_map's bucket -> previous node -> node chain costs three
// cache misses and a division; here one probe line, usually one miss.
//
// Ids are any value but kNoId. Capacity is a power of two, grown to keep
// the load at most one half; it never shrinks. No iteration: nothing may
// depend on hash order.
// Cost: Find, Insert, Erase O(1) expected.
#pragma once

#include <bit>
#include <cassert>
#include <cstdint>
#include <vector>

namespace fleetlab {

class FlatIdMap {
 public:
  static constexpr std::uint64_t kNoId = ~std::uint64_t{0};
  static constexpr std::uint32_t kAbsent = ~std::uint32_t{0};

  // The index stored for `id`, or kAbsent.
  std::uint32_t Find(std::uint64_t id) const {
    if (slots_.empty()) return kAbsent;
    for (std::size_t i = Home(id);; i = Next(i)) {
      const Slot& s = slots_[i];
      if (s.id == id) return s.index;
      if (s.id == kNoId) return kAbsent;
    }
  }
  // REQUIRES: id != kNoId, not present; index != kAbsent.
  void Insert(std::uint64_t id, std::uint32_t index) {
    assert(id != kNoId && index != kAbsent && Find(id) == kAbsent);
    if (2 * (size_ + 1) > slots_.size()) Grow();
    std::size_t i = Home(id);
    while (slots_[i].id != kNoId) i = Next(i);
    slots_[i] = Slot{id, index};
    ++size_;
  }
  // Starts loading the slot Find(id) reads first. Changes nothing.
  void Prefetch(std::uint64_t id) const {
    if (!slots_.empty()) __builtin_prefetch(&slots_[Home(id)]);
  }
  // Removes `id`. REQUIRES: present.
  void Erase(std::uint64_t id);
  std::size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t id = kNoId;
    std::uint32_t index = kAbsent;
  };
  // Fibonacci hashing: the top bits of id x 2^64/phi (sequential ids spread).
  std::size_t Home(std::uint64_t id) const {
    return static_cast<std::size_t>((id * 0x9E3779B97F4A7C15ull) >> shift_);
  }
  std::size_t Next(std::size_t i) const { return (i + 1) & (slots_.size() - 1); }
  void Grow();

  std::vector<Slot> slots_;
  std::size_t size_ = 0;
  int shift_ = 64;
};

inline void FlatIdMap::Erase(std::uint64_t id) {
  assert(!slots_.empty());
  std::size_t hole = Home(id);
  while (slots_[hole].id != id) {
    assert(slots_[hole].id != kNoId);
    hole = Next(hole);
  }
  // Backward shift: move up each later entry of the run whose home does not
  // lie cyclically in (hole, i], so every entry stays reachable from its home.
  for (std::size_t i = Next(hole); slots_[i].id != kNoId; i = Next(i)) {
    const std::size_t home = Home(slots_[i].id);
    const bool stays = hole < i ? (hole < home && home <= i) : (hole < home || home <= i);
    if (stays) continue;
    slots_[hole] = slots_[i];
    hole = i;
  }
  slots_[hole] = Slot{};
  --size_;
}

inline void FlatIdMap::Grow() {
  std::vector<Slot> old = std::move(slots_);
  const std::size_t capacity = old.empty() ? 16 : 2 * old.size();
  slots_.assign(capacity, Slot{});
  shift_ = 64 - std::countr_zero(capacity);
  size_ = 0;
  for (const Slot& s : old) {
    if (s.id != kNoId) Insert(s.id, s.index);
  }
}

}  // namespace fleetlab
