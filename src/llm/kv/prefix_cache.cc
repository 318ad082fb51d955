#include "llm/kv/prefix_cache.h"

#include <algorithm>
#include <cassert>

namespace fleetlab {

std::size_t PrefixKeyHash::operator()(const PrefixKey& key) const {
  std::uint64_t z = key.group * 0x9E3779B97F4A7C15ULL + static_cast<std::uint64_t>(key.index);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return static_cast<std::size_t>(z ^ (z >> 31));
}

PrefixCache::PrefixCache(std::int32_t num_blocks) : entries_(static_cast<std::size_t>(num_blocks)) {
  assert(num_blocks >= 0);
}

BlockId PrefixCache::Find(PrefixKey key) const {
  const auto it = by_key_.find(key);
  return it == by_key_.end() ? kNoBlock : it->second;
}

bool PrefixCache::Register(PrefixKey key, BlockId block, SeqId holder) {
  assert(block >= 0 && static_cast<std::size_t>(block) < entries_.size());
  Entry& e = entries_[static_cast<std::size_t>(block)];
  assert(!e.registered);
  if (!by_key_.emplace(key, block).second) return false;
  e.key = key;
  e.registered = true;
  e.holders.assign(1, holder);
  ++held_;
  return true;
}

void PrefixCache::Acquire(BlockId block, SeqId holder) {
  Entry& e = entries_[static_cast<std::size_t>(block)];
  assert(e.registered);
  if (e.holders.empty()) {
    Unlink(block);
    --cached_;
    ++held_;
  }
  e.holders.push_back(holder);
}

void PrefixCache::Release(BlockId block, SeqId holder) {
  Entry& e = entries_[static_cast<std::size_t>(block)];
  assert(e.registered);
  const auto it = std::find(e.holders.begin(), e.holders.end(), holder);
  assert(it != e.holders.end());
  e.holders.erase(it);
  if (!e.holders.empty()) return;
  LinkMostRecent(block);
  --held_;
  ++cached_;
}

BlockId PrefixCache::EvictLru() {
  assert(cached_ > 0 && lru_head_ != kNoBlock);
  const BlockId block = lru_head_;
  Entry& e = entries_[static_cast<std::size_t>(block)];
  Unlink(block);
  by_key_.erase(e.key);
  e.registered = false;
  --cached_;
  return block;
}

bool PrefixCache::registered(BlockId block) const {
  const auto i = static_cast<std::size_t>(block);
  return i < entries_.size() && entries_[i].registered;
}

std::int64_t PrefixCache::holders(BlockId block) const {
  return static_cast<std::int64_t>(entries_[static_cast<std::size_t>(block)].holders.size());
}

SeqId PrefixCache::oldest_holder(BlockId block) const {
  const Entry& e = entries_[static_cast<std::size_t>(block)];
  assert(!e.holders.empty());
  return e.holders.front();
}

void PrefixCache::LinkMostRecent(BlockId block) {
  Entry& e = entries_[static_cast<std::size_t>(block)];
  e.prev = lru_tail_;
  e.next = kNoBlock;
  if (lru_tail_ != kNoBlock) {
    entries_[static_cast<std::size_t>(lru_tail_)].next = block;
  } else {
    lru_head_ = block;
  }
  lru_tail_ = block;
}

void PrefixCache::Unlink(BlockId block) {
  Entry& e = entries_[static_cast<std::size_t>(block)];
  if (e.prev != kNoBlock) {
    entries_[static_cast<std::size_t>(e.prev)].next = e.next;
  } else {
    lru_head_ = e.next;
  }
  if (e.next != kNoBlock) {
    entries_[static_cast<std::size_t>(e.next)].prev = e.prev;
  } else {
    lru_tail_ = e.prev;
  }
  e.prev = e.next = kNoBlock;
}

}  // namespace fleetlab
