#include "llm/kv/kv_paged_counter.h"

#include <cassert>

namespace fleetlab {

PagedKvCounter::PagedKvCounter(Tokens capacity, Tokens block_tokens)
    : bt_(block_tokens.value()), num_blocks_(capacity.value() / bt_), free_blocks_(num_blocks_) {
  assert(capacity.value() > 0 && bt_ > 0);
}

KvAdmission PagedKvCounter::Admit(SeqId id, Tokens initial, [[maybe_unused]] Tokens reserve, Tokens final_length,
                                  PrefixRef /*prefix*/) {
  assert(!seqs_.Contains(id));
  assert(Tokens{0} <= initial && initial <= reserve && initial <= final_length);
  const std::int64_t need = BlocksForTokens(initial, Tokens{bt_}).value();
  if (need > free_blocks_) return {};
  Seq& seq = seqs_.Add(id);
  seq = Seq{need, initial.value(), final_length.value()};
  free_blocks_ -= need;
  AddContribution(seq, +1);
  return {true, Tokens{0}};
}

bool PagedKvCounter::Extend(SeqId id, Tokens length) {
  if (!CanExtend(id, length)) return false;
  Seq& seq = seqs_.Find(id);
  AddContribution(seq, -1);
  const std::int64_t need = BlocksForTokens(length, Tokens{bt_}).value();
  if (need > seq.blocks) {
    free_blocks_ -= need - seq.blocks;
    seq.blocks = need;
  }
  seq.length = length.value();
  AddContribution(seq, +1);
  return true;
}

void PagedKvCounter::Release(SeqId id) {
  const Seq& seq = seqs_.Find(id);
  AddContribution(seq, -1);
  free_blocks_ += seq.blocks;
  seqs_.Remove(id);
}

bool PagedKvCounter::CanExtend(SeqId id, Tokens length) const {
  const Seq& seq = seqs_.Find(id);
  assert(length.value() >= seq.length);
  return BlocksForTokens(length, Tokens{bt_}).value() - seq.blocks <= free_blocks_;
}

Tokens PagedKvCounter::Allocated(SeqId id) const { return Tokens{seqs_.Find(id).blocks * bt_}; }

bool PagedKvCounter::CanAdmit(Tokens initial, [[maybe_unused]] Tokens reserve) const {
  assert(Tokens{0} <= initial && initial <= reserve);
  return BlocksForTokens(initial, Tokens{bt_}).value() <= free_blocks_;
}

KvUsage PagedKvCounter::Usage() const {
  const KvUsage u{Tokens{num_blocks_ * bt_}, Tokens{stored_}, Tokens{reserved_}, Tokens{internal_},
                  Tokens{0},                 Tokens{0},       Tokens{free_blocks_ * bt_}};
  assert(u.stored + u.reserved + u.internal + u.external + u.cached + u.free == u.capacity);
  return u;
}

std::vector<KvCell> PagedKvCounter::BlockMap(int cells) const {
  assert(false && "a counted KV cache has no block map");
  return std::vector<KvCell>(static_cast<std::size_t>(cells > 0 ? cells : 0), KvCell{CellState::kFree, kNoSeq});
}

void PagedKvCounter::AddContribution(const Seq& seq, int sign) {
  const PagedWaste w = PagedWasteOf(seq.blocks, bt_, seq.length, seq.final_length);
  stored_ += sign * seq.length;
  reserved_ += sign * w.reserved;
  internal_ += sign * w.internal;
}

}  // namespace fleetlab
