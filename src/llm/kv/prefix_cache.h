// PrefixCache: the bookkeeping of a paged KV allocator's prefix caching.
//
// Block k of group g's shared prefix (a full block) is keyed (g, k). The
// cache maps keys to block ids, records which sequences hold each registered
// block (the reference count is the number of holders), and keeps the
// registered blocks nobody holds in an LRU list, to be evicted (their key
// forgotten) when the allocator runs out of free blocks.
//
// Owns: the key map, per-block holder lists and the intrusive LRU links.
// Does not own the blocks: the allocator decides when a block is registered,
// acquired, released or evicted, and tracks its free list itself.
//
// Deterministic: nothing depends on pointer values or on the iteration order
// of the hash map (it is only ever probed by key).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <vector>

#include "fleetlab/llm/kv_cache.h"

namespace fleetlab {

using BlockId = std::int32_t;
inline constexpr BlockId kNoBlock = -1;

struct PrefixKey {
  std::uint64_t group = 0;
  std::int64_t index = 0;  // the block's position in the prefix
  bool operator==(const PrefixKey&) const = default;
};

struct PrefixKeyHash {
  // A 64-bit mix of (group, index) (SplitMix64's finaliser): stable across
  // platforms; collisions only cost a probe, the map compares whole keys.
  std::size_t operator()(const PrefixKey& key) const;
};

class PrefixCache {
 public:
  // A cache over blocks [0, num_blocks), all unregistered.
  explicit PrefixCache(std::int32_t num_blocks);

  // The block registered under `key`, or kNoBlock.
  BlockId Find(PrefixKey key) const;

  // Registers `block` under `key` with `holder` as its only holder.
  // Returns false (nothing changes) if `key` is already registered.
  // REQUIRES: block valid and unregistered.
  bool Register(PrefixKey key, BlockId block, SeqId holder);

  // Adds `holder` to a registered block (taking it off the LRU list if it
  // was unheld). REQUIRES: block registered.
  void Acquire(BlockId block, SeqId holder);

  // Removes `holder` from a registered block; when the last holder leaves
  // the block becomes the most recently used cached block.
  // REQUIRES: holder holds block. O(holders of the block).
  void Release(BlockId block, SeqId holder);

  // Forgets the least recently used cached block's key and returns the
  // block, now unregistered. REQUIRES: cached_blocks() > 0.
  BlockId EvictLru();

  bool registered(BlockId block) const;
  std::int64_t holders(BlockId block) const;  // the reference count
  // The longest-standing holder of a held block. REQUIRES: holders > 0.
  SeqId oldest_holder(BlockId block) const;

  std::int64_t cached_blocks() const { return cached_; }  // registered, unheld
  std::int64_t held_blocks() const { return held_; }      // registered, held

 private:
  struct Entry {
    PrefixKey key;
    bool registered = false;
    std::vector<SeqId> holders;  // in order of acquisition
    BlockId prev = kNoBlock;     // LRU links, valid while cached
    BlockId next = kNoBlock;
  };

  void LinkMostRecent(BlockId block);
  void Unlink(BlockId block);

  std::vector<Entry> entries_;
  std::unordered_map<PrefixKey, BlockId, PrefixKeyHash> by_key_;
  BlockId lru_head_ = kNoBlock;  // least recently used: evicted first
  BlockId lru_tail_ = kNoBlock;  // most recently used
  std::int64_t cached_ = 0;
  std::int64_t held_ = 0;
};

}  // namespace fleetlab
