// The KV-cache manager of one replica: where each sequence's keys and values
// live, and how much of the memory is doing useful work.
//
// Two allocators over the same capacity (in token slots):
//   Paged       fixed-size blocks (16 tokens by default) allocated as a
//               sequence grows (vLLM's PagedAttention). A sequence wastes at
//               most the unused tail of its last block. With prefix caching,
//               the full blocks of a shared prefix are stored once,
//               reference-counted, and kept after their last user leaves
//               until memory is needed (then evicted, least recently used
//               first).
//   Contiguous  each admitted sequence reserves one region for its maximum
//               length (the caller decides the reservation: the model's max
//               length, a power-of-two rounding, or the true final length)
//               in a linear address space, first fit. Reservation waste,
//               internal and external fragmentation arise for real.
//
// Memory categories (the vLLM paper's, SOSP 2023, fig. 2), in token slots:
//   stored       slots holding a token's K and V
//   reserved     slots set aside for tokens this sequence will still produce
//   internal     slots set aside that this sequence will never fill (beyond
//                its true final length; for paged: the unused tail of the
//                last block beyond the final length)
//   external     free slots in holes too small to hold a new reservation of
//                `min_useful` slots (contiguous only)
//   cached       blocks holding an unreferenced cached prefix (evictable)
//   free         everything else
// They add up to the capacity exactly.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "fleetlab/llm/units.h"
#include "fleetlab/util/enum_names.h"

namespace fleetlab {

using SeqId = std::uint64_t;

struct KvUsage {
  Tokens capacity, stored, reserved, internal, external, cached, free;
};
inline bool SameUsage(const KvUsage& a, const KvUsage& b) {
  return a.stored == b.stored && a.reserved == b.reserved && a.internal == b.internal &&
         a.external == b.external && a.cached == b.cached && a.free == b.free && a.capacity == b.capacity;
}

// A shared prefix: the first `tokens` of a prompt are identical for every
// request of `group` (a system prompt, or a conversation's earlier turns).
//
// A trace may name its prefix blocks instead (Mooncake's hash_ids): then
// `hashes[i]` is the id of the prompt's tokens [i x hash_tokens, (i + 1) x
// hash_tokens), and equal ids mean equal prefixes up to that block. A KV
// block is shared when the hash block holding its last token is.
struct PrefixRef {
  std::uint64_t group = 0;
  Tokens tokens{0};  // 0: no shared prefix
  const std::uint64_t* hashes = nullptr;
  std::uint32_t hash_count = 0;
  std::uint32_t hash_tokens = 0;
};

enum class CellState : std::uint8_t { kFree, kStored, kReserved, kInternal, kExternal, kCached };

// One cell of the block map: the state that holds most of the cell's slots,
// and the sequence owning them (kNoSeq for free/cached/external cells).
struct KvCell {
  CellState state = CellState::kFree;
  SeqId owner = 0;
};
inline constexpr SeqId kNoSeq = ~SeqId{0};

struct KvAdmission {
  bool admitted = false;
  Tokens cached_tokens{0};  // prompt tokens found in the prefix cache (no prefill needed)
};

class KvAllocator {
 public:
  virtual ~KvAllocator() = default;

  // Admits `seq` holding `initial` tokens now. `reserve` is the region a
  // contiguous allocator sets aside (>= initial; paged ignores it);
  // `final_length` is the length the sequence will really reach (known to
  // the simulator; used only to split reserved from internal waste). On
  // failure nothing changes and admitted is false.
  // REQUIRES: seq not admitted; initial <= reserve; initial <= final_length.
  virtual KvAdmission Admit(SeqId seq, Tokens initial, Tokens reserve, Tokens final_length,
                            PrefixRef prefix) = 0;

  // Grows `seq` to `length` tokens. Returns false (and changes nothing) if
  // memory runs out (paged: no free or evictable block; contiguous: beyond
  // the reservation). REQUIRES: seq admitted, length >= its current length.
  virtual bool Extend(SeqId seq, Tokens length) = 0;

  // Frees `seq`'s memory (its full prefix blocks stay cached if prefix
  // caching is on). REQUIRES: seq admitted.
  virtual void Release(SeqId seq) = 0;

  // Whether Extend(seq, length) would succeed now.
  virtual bool CanExtend(SeqId seq, Tokens length) const = 0;
  // The length `seq` can reach without allocating (paged: the slots of its
  // blocks; contiguous: its region). A caller may grow a sequence within it
  // without calling Extend per token, as long as it adds the tokens it has
  // not told (all of them stored, taken from reserved) to Usage() and calls
  // Extend with the true length before Release or BlockMap. REQUIRES: seq
  // admitted.
  virtual Tokens Allocated(SeqId seq) const = 0;
  // Whether Admit with these sizes would succeed now (ignoring cache hits).
  virtual bool CanAdmit(Tokens initial, Tokens reserve) const = 0;

  virtual KvUsage Usage() const = 0;
  // A hint a step ahead: starts loading the index entry that Extend and
  // Release of `seq` look up first. Changes nothing; `seq` need not be
  // admitted.
  virtual void Prefetch(SeqId) const {}
  // The memory as `cells` equal slices of the address space (paged: of the
  // block array), each summarised by its majority state. A paged cache with
  // more than 64 blocks per cell is summarised from 16 evenly spaced blocks
  // per cell (O(cells) instead of O(blocks)).
  virtual std::vector<KvCell> BlockMap(int cells) const = 0;

  // Prefix-cache statistics (zero when prefix caching is off).
  virtual std::uint64_t prefix_hit_tokens() const = 0;
  virtual std::uint64_t prefix_lookup_tokens() const = 0;
};

struct KvCacheOptions {
  enum class Kind { kPaged, kContiguous };
  static constexpr auto kKindNames = MakeEnumNames<Kind>({{Kind::kPaged, "paged"}, {Kind::kContiguous, "contiguous"}});
  Kind kind = Kind::kPaged;
  // Tokens per block (paged). 16 is vLLM's default; larger blocks waste more
  // in the last block but shrink block tables.
  Tokens block_tokens{16};
  // Keep full prefix blocks after their last user leaves (paged only).
  bool prefix_caching = false;
  // Contiguous: a free hole shorter than this is counted as external
  // fragmentation (normally the reservation a new request would need).
  Tokens min_useful{1};
};

// REQUIRES: capacity > 0 tokens; paged capacity is rounded down to whole blocks.
// `block_map` false: nobody will call BlockMap, so a paged cache without
// prefix caching may be counted instead of mapped (the same admissions,
// growth and usage, block for block, at a fraction of the cost).
std::unique_ptr<KvAllocator> MakeKvAllocator(const KvCacheOptions& options, Tokens capacity, bool block_map = true);

}  // namespace fleetlab
