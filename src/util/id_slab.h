// IdSlab<T>: entries of type T keyed by 64-bit ids, stored in reused slots
// of one vector (the most recently freed first, so entries stay warm and a
// freed entry's own heap storage, such as a vector's capacity, is reused)
// and found through a FlatIdMap. Find remembers the last id it found: callers
// that ask about one entry several times in a row pay one look-up.
// Cost: Add, Find, Remove O(1) expected. No iteration.
#pragma once

#include <cassert>
#include <cstdint>
#include <vector>

#include "util/flat_id_map.h"

namespace fleetlab {

template <typename T>
class IdSlab {
 public:
  // A slot for `id`, holding whatever its last occupant left (the caller
  // resets it). REQUIRES: id absent, != FlatIdMap::kNoId. The reference
  // lasts until the next Add.
  T& Add(std::uint64_t id) {
    std::uint32_t slot;
    if (free_.empty()) {
      slot = static_cast<std::uint32_t>(entries_.size());
      entries_.emplace_back();
    } else {
      slot = free_.back();
      free_.pop_back();
    }
    index_.Insert(id, slot);
    return entries_[slot];
  }
  // REQUIRES: id present. The reference lasts until the next Add.
  T& Find(std::uint64_t id) { return entries_[SlotOf(id)]; }
  const T& Find(std::uint64_t id) const { return entries_[SlotOf(id)]; }
  bool Contains(std::uint64_t id) const { return index_.Find(id) != FlatIdMap::kAbsent; }
  // Starts loading the index slot Find(id) reads first. Changes nothing.
  void Prefetch(std::uint64_t id) const { index_.Prefetch(id); }
  // Frees id's slot; its entry is left as it is for the next Add.
  // REQUIRES: id present.
  void Remove(std::uint64_t id) {
    const std::uint32_t slot = index_.Find(id);
    assert(slot != FlatIdMap::kAbsent);
    if (last_id_ == id) last_id_ = FlatIdMap::kNoId;
    index_.Erase(id);
    free_.push_back(slot);
  }

 private:
  std::uint32_t SlotOf(std::uint64_t id) const {
    if (id != last_id_) {
      last_ = index_.Find(id);
      assert(last_ != FlatIdMap::kAbsent);
      last_id_ = id;
    }
    return last_;
  }

  std::vector<T> entries_;
  std::vector<std::uint32_t> free_;
  FlatIdMap index_;
  mutable std::uint64_t last_id_ = FlatIdMap::kNoId;  // Find's memo (last_ is its slot)
  mutable std::uint32_t last_ = 0;
};

}  // namespace fleetlab
