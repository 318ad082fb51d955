#include "llm/kv/kv_paged.h"

#include <algorithm>
#include <cassert>

namespace fleetlab {
namespace {

// The cache key of block k of a prompt: (group, k), or with a trace's hash
// ids (the id of the hash block holding block k's last token, k). Hash keys
// set the top bit so they never meet a group's.
PrefixKey KeyOf(const PrefixRef& prefix, std::int64_t k, std::int64_t bt) {
  if (prefix.hashes == nullptr) return {prefix.group, k};
  const auto i = static_cast<std::size_t>(((k + 1) * bt - 1) / prefix.hash_tokens);
  assert(i < prefix.hash_count);
  return {prefix.hashes[i] | (std::uint64_t{1} << 63), k};
}

}  // namespace

PagedKvAllocator::PagedKvAllocator(Tokens capacity, Tokens block_tokens, bool prefix_caching)
    : bt_(block_tokens.value()),
      num_blocks_(static_cast<std::int32_t>(capacity.value() / std::max<std::int64_t>(bt_, 1))),
      prefix_caching_(prefix_caching),
      cache_(prefix_caching ? num_blocks_ : 0) {
  assert(capacity.value() > 0 && bt_ > 0);
  assert(capacity.value() / bt_ <= INT32_MAX);
}

KvAdmission PagedKvAllocator::Admit(SeqId id, Tokens initial, [[maybe_unused]] Tokens reserve,
                                    Tokens final_length, PrefixRef prefix) {
  assert(!seqs_.Contains(id));
  assert(Tokens{0} <= initial && initial <= reserve && initial <= final_length);
  const Lookup found = LookUp(prefix, initial);
  const auto hits = static_cast<std::int64_t>(found.hits.size());
  const std::int64_t need = BlocksForTokens(initial, Tokens{bt_}).value();
  if (need - hits > Available() - found.unheld_hits) return {};
  Seq& seq = seqs_.Add(id);
  assert(seq.blocks.empty());  // Release cleared it
  seq.shared = 0;
  seq.length = initial.value();
  seq.final_length = final_length.value();
  // The table's final size, once: growing it block by block reallocated
  // it log2(blocks) times per request.
  seq.blocks.reserve(static_cast<std::size_t>(BlocksForTokens(final_length, Tokens{bt_}).value()));
  for (const BlockId b : found.hits) {
    cache_.Acquire(b, id);
    seq.blocks.push_back(b);
  }
  seq.shared = hits;
  RegisterFresh(id, seq, prefix, found.shareable);
  while (static_cast<std::int64_t>(seq.blocks.size()) < need) AddPrivate(id, seq, TakeBlock());
  AddContribution(seq, +1);
  hit_tokens_ += static_cast<std::uint64_t>(hits * bt_);
  lookup_tokens_ += static_cast<std::uint64_t>(found.shareable * bt_);
  return {true, Tokens{hits * bt_}};
}

bool PagedKvAllocator::Extend(SeqId id, Tokens length) {
  if (!CanExtend(id, length)) return false;
  Seq& seq = seqs_.Find(id);
  AddContribution(seq, -1);
  const std::int64_t need = BlocksForTokens(length, Tokens{bt_}).value();
  while (static_cast<std::int64_t>(seq.blocks.size()) < need) AddPrivate(id, seq, TakeBlock());
  seq.length = length.value();
  AddContribution(seq, +1);
  return true;
}

void PagedKvAllocator::Release(SeqId id) {
  Seq& seq = seqs_.Find(id);
  AddContribution(seq, -1);
  // Tail first: the head of a shared prefix becomes the more recently used.
  for (std::size_t i = seq.blocks.size(); i-- > 0;) {
    const BlockId b = seq.blocks[i];
    if (static_cast<std::int64_t>(i) < seq.shared) {
      cache_.Release(b, id);
    } else {
      private_owner_[static_cast<std::size_t>(b)] = Holder{};
      free_.push_back(b);
    }
  }
  seq.blocks.clear();
  seqs_.Remove(id);
}

bool PagedKvAllocator::CanExtend(SeqId id, Tokens length) const {
  const Seq& seq = seqs_.Find(id);
  assert(length.value() >= seq.length);
  const std::int64_t need = BlocksForTokens(length, Tokens{bt_}).value();
  return need - static_cast<std::int64_t>(seq.blocks.size()) <= Available();
}

Tokens PagedKvAllocator::Allocated(SeqId seq) const {
  return Tokens{static_cast<std::int64_t>(seqs_.Find(seq).blocks.size()) * bt_};
}

bool PagedKvAllocator::CanAdmit(Tokens initial, [[maybe_unused]] Tokens reserve) const {
  assert(Tokens{0} <= initial && initial <= reserve);
  return BlocksForTokens(initial, Tokens{bt_}).value() <= Available();
}

KvUsage PagedKvAllocator::Usage() const {
  const KvUsage u{Tokens{num_blocks_ * bt_},
                  Tokens{private_stored_ + cache_.held_blocks() * bt_},
                  Tokens{reserved_},
                  Tokens{internal_},
                  Tokens{0},
                  Tokens{cache_.cached_blocks() * bt_},
                  Tokens{(static_cast<std::int64_t>(free_.size()) + num_blocks_ - fresh_) * bt_}};
  assert(u.stored + u.reserved + u.internal + u.external + u.cached + u.free == u.capacity);
  return u;
}

// Large caches (more than kExactBlocksPerCell blocks per cell): each cell
// is the majority of kSamplesPerCell blocks spread evenly over its slice, so
// a map costs O(cells), not O(blocks): the replica draws ~200 of them.
std::vector<KvCell> PagedKvAllocator::SampledBlockMap(int cells) const {
  constexpr std::int64_t kSamplesPerCell = 16;
  std::vector<KvCell> out(static_cast<std::size_t>(cells));
  std::vector<KvRun> runs;
  std::vector<std::pair<KvCell, std::int64_t>> tally;
  // In 64 bits: blocks x cell passes 2^31 beyond ~8.4e6 blocks of 256 cells.
  const std::int64_t blocks = num_blocks_;
  for (std::int64_t c = 0; c < cells; ++c) {
    const std::int64_t begin = blocks * c / cells, width = blocks * (c + 1) / cells - begin;
    tally.clear();
    for (std::int64_t k = 0; k < kSamplesPerCell; ++k) {
      runs.clear();
      AppendBlockRuns(runs, static_cast<BlockId>(begin + width * (2 * k + 1) / (2 * kSamplesPerCell)));
      for (const KvRun& r : runs) {
        auto it = std::find_if(tally.begin(), tally.end(), [&](const auto& t) {
          return t.first.state == r.state && t.first.owner == r.owner;
        });
        if (it == tally.end()) {
          tally.push_back({KvCell{r.state, r.owner}, 0});
          it = tally.end() - 1;
        }
        it->second += r.end - r.begin;
      }
    }
    out[static_cast<std::size_t>(c)] =
        std::max_element(tally.begin(), tally.end(), [](const auto& a, const auto& b) { return a.second < b.second; })
            ->first;
  }
  return out;
}

std::vector<KvCell> PagedKvAllocator::BlockMap(int cells) const {
  constexpr std::int64_t kExactBlocksPerCell = 64;
  if (cells <= 0) return {};
  if (num_blocks_ > kExactBlocksPerCell * cells) return SampledBlockMap(cells);
  std::vector<KvRun> runs;
  runs.reserve(static_cast<std::size_t>(num_blocks_));
  for (BlockId b = 0; b < num_blocks_;) {
    // A stretch of free blocks becomes one run without per-block work: the
    // map is drawn about 200 times a run over up to ~10^5 blocks.
    BlockId e = b;
    while (e < fresh_ && IsPlainFree(e)) ++e;
    if (e >= fresh_) e = num_blocks_;  // never used from here on
    if (e > b) {
      AppendRun(runs, b * bt_, e * bt_, CellState::kFree, kNoSeq);
      b = e;
      continue;
    }
    AppendBlockRuns(runs, b);
    ++b;
  }
  return SummarizeRuns(runs, num_blocks_ * bt_, cells);
}

bool PagedKvAllocator::IsPlainFree(BlockId b) const {
  if (b >= fresh_) return true;  // never used
  return private_owner_[static_cast<std::size_t>(b)].seq == kNoSeq && (!prefix_caching_ || !cache_.registered(b));
}

PagedKvAllocator::Lookup PagedKvAllocator::LookUp(PrefixRef prefix, Tokens initial) const {
  Lookup found;
  if (!prefix_caching_) return found;
  assert(prefix.tokens.value() >= 0);
  found.shareable = std::min(prefix.tokens, initial).value() / bt_;
  for (std::int64_t k = 0; k < found.shareable; ++k) {
    const BlockId b = cache_.Find(KeyOf(prefix, k, bt_));
    if (b == kNoBlock) break;
    found.hits.push_back(b);
    if (cache_.holders(b) == 0) ++found.unheld_hits;
  }
  return found;
}

std::int64_t PagedKvAllocator::Available() const {
  return static_cast<std::int64_t>(free_.size()) + (num_blocks_ - fresh_) + cache_.cached_blocks();
}

// A free block if there is one, else the least recently used cached block.
// REQUIRES: Available() > 0.
BlockId PagedKvAllocator::TakeBlock() {
  assert(Available() > 0);
  if (free_.empty() && fresh_ < num_blocks_) {
    private_owner_.emplace_back();
    return fresh_++;
  }
  if (free_.empty()) return cache_.EvictLru();
  const BlockId b = free_.back();
  free_.pop_back();
  return b;
}

void PagedKvAllocator::AddPrivate(SeqId id, Seq& seq, BlockId block) {
  private_owner_[static_cast<std::size_t>(block)] =
      Holder{id, static_cast<std::int64_t>(seq.blocks.size())};
  seq.blocks.push_back(block);
}

// Allocates and registers the full prefix blocks after the cache hits, up to
// `shareable` (stopping early, defensively, at a key already registered).
void PagedKvAllocator::RegisterFresh(SeqId id, Seq& seq, const PrefixRef& prefix, std::int64_t shareable) {
  for (std::int64_t k = seq.shared; k < shareable; ++k) {
    const PrefixKey key = KeyOf(prefix, k, bt_);
    if (cache_.Find(key) != kNoBlock) return;
    const BlockId b = TakeBlock();
    [[maybe_unused]] const bool fresh = cache_.Register(key, b, id);
    assert(fresh);
    seq.blocks.push_back(b);
    ++seq.shared;
  }
}

PagedWaste PagedKvAllocator::WasteOf(const Seq& seq) const {
  return PagedWasteOf(static_cast<std::int64_t>(seq.blocks.size()), bt_, seq.length, seq.final_length);
}

void PagedKvAllocator::AddContribution(const Seq& seq, int sign) {
  const PagedWaste w = WasteOf(seq);
  private_stored_ += sign * (seq.length - seq.shared * bt_);
  reserved_ += sign * w.reserved;
  internal_ += sign * w.internal;
}

void PagedKvAllocator::AppendBlockRuns(std::vector<KvRun>& runs, BlockId b) const {
  const std::int64_t begin = b * bt_, end = begin + bt_;
  if (b >= fresh_) return AppendRun(runs, begin, end, CellState::kFree, kNoSeq);  // never used
  if (cache_.registered(b)) {
    if (cache_.holders(b) == 0) return AppendRun(runs, begin, end, CellState::kCached, kNoSeq);
    return AppendRun(runs, begin, end, CellState::kStored, cache_.oldest_holder(b));
  }
  const Holder& h = private_owner_[static_cast<std::size_t>(b)];
  if (h.seq == kNoSeq) return AppendRun(runs, begin, end, CellState::kFree, kNoSeq);
  const Seq& seq = seqs_.Find(h.seq);
  const std::int64_t base = h.index * bt_;  // the block's first slot in the sequence
  const std::int64_t will_fill = seq.length + WasteOf(seq).reserved;
  const std::int64_t a = std::clamp<std::int64_t>(seq.length - base, 0, bt_);
  const std::int64_t r = std::clamp<std::int64_t>(will_fill - base, a, bt_);
  AppendRun(runs, begin, begin + a, CellState::kStored, h.seq);
  AppendRun(runs, begin + a, begin + r, CellState::kReserved, h.seq);
  AppendRun(runs, begin + r, end, CellState::kInternal, h.seq);
}

}  // namespace fleetlab
