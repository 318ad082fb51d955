// Helpers shared by the KV allocator tests.
#pragma once

#include <array>
#include <cstdint>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "fleetlab/llm/kv_cache.h"

namespace fleetlab::test {

inline constexpr Tokens T(std::int64_t n) { return Tokens{n}; }

// Usage as {stored, reserved, internal, external, cached, free}, in slots.
using P = std::array<std::int64_t, 6>;
inline P Parts(const KvUsage& u) {
  return {u.stored.value(),   u.reserved.value(), u.internal.value(),
          u.external.value(), u.cached.value(),   u.free.value()};
}

inline std::size_t PartOf(CellState state) {
  switch (state) {
    case CellState::kStored: return 0;
    case CellState::kReserved: return 1;
    case CellState::kInternal: return 2;
    case CellState::kExternal: return 3;
    case CellState::kCached: return 4;
    case CellState::kFree: return 5;
  }
  return 5;
}

// The categories add up to the capacity, and a one-slot-per-cell BlockMap
// shows exactly as many slots of each state as Usage counts.
inline ::testing::AssertionResult Consistent(const KvAllocator& kv) {
  const KvUsage u = kv.Usage();
  const P p = Parts(u);
  std::int64_t sum = 0;
  for (const std::int64_t x : p) {
    if (x < 0) return ::testing::AssertionFailure() << "negative category";
    sum += x;
  }
  if (sum != u.capacity.value()) return ::testing::AssertionFailure() << "sum " << sum;
  P from_map{};  // one cell per slot, counted in Parts' order
  for (const KvCell& c : kv.BlockMap(static_cast<int>(u.capacity.value()))) {
    ++from_map[PartOf(c.state)];
  }
  if (from_map != p) return ::testing::AssertionFailure() << "BlockMap disagrees with Usage";
  return ::testing::AssertionSuccess();
}

using MapView = std::vector<std::pair<CellState, SeqId>>;
inline MapView View(const std::vector<KvCell>& cells) {
  MapView v;
  for (const KvCell& c : cells) v.emplace_back(c.state, c.owner);
  return v;
}

inline constexpr CellState S = CellState::kStored, R = CellState::kReserved, I = CellState::kInternal,
                    F = CellState::kFree, C = CellState::kCached, E = CellState::kExternal;
inline constexpr SeqId N = kNoSeq;

}  // namespace fleetlab::test
