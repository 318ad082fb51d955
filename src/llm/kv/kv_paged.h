// PagedKvAllocator: vLLM's PagedAttention. The capacity, rounded down to
// whole blocks of `block_tokens` slots, is an array of blocks; a sequence
// owns a block table and allocates a block only when it crosses a block
// boundary, so it wastes at most the unused tail of its last block.
//
// Usage (see kv_cache.h), per sequence over the slots of its own blocks:
//   stored up to its length, reserved up to its final length (slots it will
//   still fill), internal beyond (the tail it never fills);
// a shared prefix block counts bt stored slots once, however many hold it;
// cached: registered prefix blocks nobody holds; free: the free list.
//
// Prefix caching (optional): block k of a prompt's shared prefix (group g;
// only full blocks, k < min(prefix, initial) / bt) is keyed (g, k); with a
// trace's hash ids, (id of the hash block holding block k's last token, k),
// so requests share exactly the blocks their hash chains share. Admit
// reuses the registered blocks of keys (g, 0), (g, 1), ... up to the first
// miss (cached_tokens = bt per hit), allocates the rest and registers its
// fresh full prefix blocks. Release keeps them, unheld, as cached; when the
// free list is empty, Admit and Extend evict cached blocks, least recently
// released first (a sequence's tail blocks before its head blocks, so a
// group's cached chain is never broken in the middle). Statistics: hit
// tokens over looked-up tokens (the full prefix blocks of each admission).
//
// In BlockMap a shared block is owned by its longest-standing holder.
//
// Owns: the free list (a stack of freed blocks, the most recently freed out
// first; then the never-used blocks in increasing order, counted, not
// listed, so a large idle cache costs no memory), the block tables, the
// prefix cache.
// Deterministic: block choice never depends on pointers or hash order.
// Cost: Extend O(1) plus O(blocks it allocates); Release O(blocks of the
// sequence x holders of its shared blocks); Usage O(1); BlockMap
// O(blocks + cells).
#pragma once

#include <cstdint>
#include <vector>

#include "fleetlab/llm/kv_cache.h"
#include "llm/kv/kv_contiguous.h"  // KvRun, SummarizeRuns (BlockMap)
#include "llm/kv/paged_waste.h"
#include "llm/kv/prefix_cache.h"
#include "util/id_slab.h"

namespace fleetlab {

class PagedKvAllocator final : public KvAllocator {
 public:
  // REQUIRES: capacity > 0, block_tokens > 0.
  PagedKvAllocator(Tokens capacity, Tokens block_tokens, bool prefix_caching);

  KvAdmission Admit(SeqId seq, Tokens initial, Tokens reserve, Tokens final_length,
                    PrefixRef prefix) override;
  bool Extend(SeqId seq, Tokens length) override;
  void Release(SeqId seq) override;
  bool CanExtend(SeqId seq, Tokens length) const override;
  Tokens Allocated(SeqId seq) const override;
  bool CanAdmit(Tokens initial, Tokens reserve) const override;
  KvUsage Usage() const override;
  void Prefetch(SeqId seq) const override { seqs_.Prefetch(seq); }
  std::vector<KvCell> BlockMap(int cells) const override;
  std::uint64_t prefix_hit_tokens() const override { return hit_tokens_; }
  std::uint64_t prefix_lookup_tokens() const override { return lookup_tokens_; }

 private:
  struct Seq {
    std::vector<BlockId> blocks;  // the block table
    std::int64_t length = 0, final_length = 0;
    std::int64_t shared = 0;  // leading blocks registered in the prefix cache
  };
  struct Holder {
    SeqId seq = kNoSeq;      // the owner of a private block, else kNoSeq
    std::int64_t index = 0;  // its position in the owner's block table
  };
  struct Lookup {
    std::int64_t shareable = 0;  // full prefix blocks
    std::vector<BlockId> hits;   // blocks of keys 0..hits-1
    std::int64_t unheld_hits = 0;
  };

  Lookup LookUp(PrefixRef prefix, Tokens initial) const;
  std::int64_t Available() const;  // free + evictable blocks
  BlockId TakeBlock();
  void AddPrivate(SeqId id, Seq& seq, BlockId block);
  void RegisterFresh(SeqId id, Seq& seq, const PrefixRef& prefix, std::int64_t shareable);
  PagedWaste WasteOf(const Seq& seq) const;
  void AddContribution(const Seq& seq, int sign);
  // Free and not holding a cached prefix.
  bool IsPlainFree(BlockId b) const;
  void AppendBlockRuns(std::vector<KvRun>& runs, BlockId block) const;
  std::vector<KvCell> SampledBlockMap(int cells) const;

  std::int64_t bt_;
  std::int32_t num_blocks_;
  bool prefix_caching_;
  std::vector<BlockId> free_;          // a stack of freed blocks
  BlockId fresh_ = 0;                  // blocks [fresh_, num_blocks_) were never used
  std::vector<Holder> private_owner_;  // per block used so far (index < fresh_)
  PrefixCache cache_;
  // The admitted sequences' entries (a released entry keeps its table's
  // capacity: admissions seldom allocate).
  IdSlab<Seq> seqs_;
  std::int64_t private_stored_ = 0, reserved_ = 0, internal_ = 0;
  std::uint64_t hit_tokens_ = 0, lookup_tokens_ = 0;
};

}  // namespace fleetlab
