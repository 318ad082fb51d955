// ContiguousKvAllocator: the KV cache as one linear address space of token
// slots [0, capacity). Each admitted sequence reserves one region of
// `reserve` slots, first fit (the lowest-addressed free hole large enough);
// it may grow up to its reservation and no further. Released regions merge
// with their free neighbours.
//
// Usage (see kv_cache.h), per sequence with r = min(reserve, final_length):
//   stored = length, reserved = r - length, internal = reserve - r;
// free holes shorter than options.min_useful are external, the rest free;
// cached is always 0 (no prefix sharing: PrefixRef is ignored).
//
// Owns: the free-hole map, the regions by address, the per-sequence records.
// Cost: Admit O(holes) (first-fit scan), Release O(log holes), Extend and
// Usage O(1), CanAdmit O(log holes), BlockMap O(holes + regions + cells).
//
// Also here: KvRun and SummarizeRuns, the address space as ordered runs of
// one state and owner, summarised cell by cell; both allocators' BlockMap
// use them.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <unordered_map>
#include <vector>

#include "fleetlab/llm/kv_cache.h"

namespace fleetlab {

// Slots [begin, end) of the address space, all in `state`, owned by `owner`.
struct KvRun {
  std::int64_t begin = 0, end = 0;
  CellState state = CellState::kFree;
  SeqId owner = kNoSeq;
};

// Appends [begin, end) to `runs`, merging with the last run when it is
// adjacent and has the same state and owner. Empty ranges are dropped.
void AppendRun(std::vector<KvRun>& runs, std::int64_t begin, std::int64_t end, CellState state,
               SeqId owner);

// Splits [0, total) into `cells` slices [c*total/cells, (c+1)*total/cells)
// (a slice narrower than one slot takes the slot at its start, so cells
// repeat when cells > total). Each cell gets the state holding most of its
// slots (ties: the one met first) and, of that state's slots, the owner
// holding most (ties: the smaller SeqId). cells <= 0 gives {}.
// REQUIRES: runs ordered, adjacent, covering [0, total). O(runs + cells).
std::vector<KvCell> SummarizeRuns(const std::vector<KvRun>& runs, std::int64_t total, int cells);

class ContiguousKvAllocator final : public KvAllocator {
 public:
  // REQUIRES: capacity > 0.
  ContiguousKvAllocator(Tokens capacity, Tokens min_useful);

  KvAdmission Admit(SeqId seq, Tokens initial, Tokens reserve, Tokens final_length,
                    PrefixRef prefix) override;
  bool Extend(SeqId seq, Tokens length) override;
  void Release(SeqId seq) override;
  bool CanExtend(SeqId seq, Tokens length) const override;
  Tokens Allocated(SeqId seq) const override;
  bool CanAdmit(Tokens initial, Tokens reserve) const override;
  KvUsage Usage() const override;
  std::vector<KvCell> BlockMap(int cells) const override;
  std::uint64_t prefix_hit_tokens() const override { return 0; }
  std::uint64_t prefix_lookup_tokens() const override { return 0; }

 private:
  struct Region {
    std::int64_t offset = 0;  // -1 for an empty reservation (no slots)
    std::int64_t reserve = 0, length = 0, final_length = 0;
  };
  struct Waste {
    std::int64_t reserved = 0, internal = 0;
  };

  static Waste WasteOf(const Region& r);
  void AddWaste(const Region& r, int sign);
  void AddHole(std::int64_t offset, std::int64_t length);
  void RemoveHole(std::map<std::int64_t, std::int64_t>::iterator hole);
  void FreeRegion(std::int64_t offset, std::int64_t length);
  void AppendRegionRuns(std::vector<KvRun>& runs, SeqId seq) const;

  std::int64_t capacity_;
  std::int64_t min_useful_;
  std::map<std::int64_t, std::int64_t> holes_;  // offset -> length, never adjacent
  std::multiset<std::int64_t> hole_lengths_;
  std::map<std::int64_t, SeqId> by_offset_;     // regions with slots, by address
  std::unordered_map<SeqId, Region> seqs_;
  std::int64_t stored_ = 0, reserved_ = 0, internal_ = 0;
  std::int64_t external_ = 0, free_ = 0;  // free_: holes of >= min_useful slots
};

}  // namespace fleetlab
