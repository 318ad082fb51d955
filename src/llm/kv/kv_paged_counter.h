// PagedKvCounter: a paged KV cache (kv_paged.h) without prefix caching,
// counted instead of mapped. It admits, grows, refuses and releases block
// for block as PagedKvAllocator does, and reports the same usage, but keeps
// per sequence only its block count and lengths, not which blocks it
// holds: no block table, no owner array, no free list. The replica uses it
// whenever nothing draws the block map (the KV heatmap is off), where a
// table entry per block was a cache miss per new block.
//
// Cost: Admit, Extend, Release, Usage O(1).
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/llm/kv_cache.h"
#include "llm/kv/paged_waste.h"
#include "util/id_slab.h"

namespace fleetlab {

class PagedKvCounter final : public KvAllocator {
 public:
  // REQUIRES: capacity > 0, block_tokens > 0.
  PagedKvCounter(Tokens capacity, Tokens block_tokens);

  // `prefix` is ignored: without prefix caching nothing is shared.
  KvAdmission Admit(SeqId seq, Tokens initial, Tokens reserve, Tokens final_length, PrefixRef prefix) override;
  bool Extend(SeqId seq, Tokens length) override;
  void Release(SeqId seq) override;
  bool CanExtend(SeqId seq, Tokens length) const override;
  Tokens Allocated(SeqId seq) const override;
  bool CanAdmit(Tokens initial, Tokens reserve) const override;
  KvUsage Usage() const override;
  void Prefetch(SeqId seq) const override { seqs_.Prefetch(seq); }
  // REQUIRES: never called: a counted cache has no map (the replica uses
  // PagedKvAllocator when the map is drawn). Returns free cells.
  std::vector<KvCell> BlockMap(int cells) const override;
  std::uint64_t prefix_hit_tokens() const override { return 0; }
  std::uint64_t prefix_lookup_tokens() const override { return 0; }

 private:
  struct Seq {
    std::int64_t blocks = 0, length = 0, final_length = 0;
  };
  void AddContribution(const Seq& seq, int sign);

  std::int64_t bt_;
  std::int64_t num_blocks_;
  std::int64_t free_blocks_;
  IdSlab<Seq> seqs_;
  std::int64_t stored_ = 0, reserved_ = 0, internal_ = 0;
};

}  // namespace fleetlab
