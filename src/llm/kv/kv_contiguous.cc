#include "llm/kv/kv_contiguous.h"

#include <algorithm>
#include <array>
#include <cassert>
#include <utility>

namespace fleetlab {

void AppendRun(std::vector<KvRun>& runs, std::int64_t begin, std::int64_t end, CellState state,
               SeqId owner) {
  if (end <= begin) return;
  if (!runs.empty()) {
    KvRun& last = runs.back();
    assert(last.end == begin);
    if (last.state == state && last.owner == owner) {
      last.end = end;
      return;
    }
  }
  runs.push_back({begin, end, state, owner});
}

namespace {

using OwnerSlots = std::vector<std::pair<SeqId, std::int64_t>>;

// The owner with the most slots in `owners` (ties: the smaller SeqId).
// Sorts `owners`. REQUIRES: !owners.empty().
SeqId MajorityOwner(OwnerSlots& owners) {
  std::sort(owners.begin(), owners.end());
  SeqId owner = owners.front().first;
  std::int64_t best = 0;
  for (std::size_t j = 0; j < owners.size();) {
    std::int64_t sum = 0;
    std::size_t k = j;
    for (; k < owners.size() && owners[k].first == owners[j].first; ++k) sum += owners[k].second;
    if (sum > best) {
      best = sum;
      owner = owners[j].first;
    }
    j = k;
  }
  return owner;
}

// The majority state and owner of the runs runs[first..] overlapping [lo, hi).
// `owners` is scratch space.
KvCell SummarizeCell(const std::vector<KvRun>& runs, std::size_t first, std::int64_t lo,
                     std::int64_t hi, OwnerSlots& owners) {
  const auto overlap = [&](const KvRun& r) { return std::min(r.end, hi) - std::max(r.begin, lo); };
  std::array<std::int64_t, 6> by_state{};
  std::size_t last = first;
  for (; last < runs.size() && runs[last].begin < hi; ++last) {
    by_state[static_cast<std::size_t>(runs[last].state)] += overlap(runs[last]);
  }
  const std::int64_t most = *std::max_element(by_state.begin(), by_state.end());
  std::size_t i = first;
  while (by_state[static_cast<std::size_t>(runs[i].state)] != most) ++i;
  const CellState state = runs[i].state;
  owners.clear();
  for (std::size_t j = first; j < last; ++j) {
    if (runs[j].state == state) owners.emplace_back(runs[j].owner, overlap(runs[j]));
  }
  return {state, MajorityOwner(owners)};
}

}  // namespace

std::vector<KvCell> SummarizeRuns(const std::vector<KvRun>& runs, std::int64_t total, int cells) {
  if (cells <= 0) return {};
  std::vector<KvCell> out(static_cast<std::size_t>(cells), KvCell{CellState::kFree, kNoSeq});
  if (total <= 0) return out;
  assert(!runs.empty() && runs.front().begin == 0 && runs.back().end == total);
  OwnerSlots owners;
  std::size_t first = 0;
  for (int c = 0; c < cells; ++c) {
    const std::int64_t lo = c * total / cells;
    const std::int64_t hi = std::max((c + 1) * total / cells, lo + 1);
    while (runs[first].end <= lo) ++first;
    out[static_cast<std::size_t>(c)] = SummarizeCell(runs, first, lo, hi, owners);
  }
  return out;
}

ContiguousKvAllocator::ContiguousKvAllocator(Tokens capacity, Tokens min_useful)
    : capacity_(capacity.value()), min_useful_(min_useful.value()) {
  assert(capacity_ > 0);
  AddHole(0, capacity_);
}

KvAdmission ContiguousKvAllocator::Admit(SeqId seq, Tokens initial, Tokens reserve,
                                         Tokens final_length, PrefixRef /*prefix*/) {
  assert(!seqs_.contains(seq));
  assert(Tokens{0} <= initial && initial <= reserve && initial <= final_length);
  Region r{-1, reserve.value(), initial.value(), final_length.value()};
  if (r.reserve > 0) {
    auto hole = std::find_if(holes_.begin(), holes_.end(),
                             [&](const auto& h) { return h.second >= r.reserve; });
    if (hole == holes_.end()) return {};
    const auto [offset, length] = *hole;
    RemoveHole(hole);
    if (length > r.reserve) AddHole(offset + r.reserve, length - r.reserve);
    r.offset = offset;
    by_offset_.emplace(offset, seq);
  }
  seqs_.emplace(seq, r);
  stored_ += r.length;
  AddWaste(r, +1);
  return {true, Tokens{0}};
}

bool ContiguousKvAllocator::Extend(SeqId seq, Tokens length) {
  if (!CanExtend(seq, length)) return false;
  Region& r = seqs_.find(seq)->second;
  AddWaste(r, -1);
  stored_ += length.value() - r.length;
  r.length = length.value();
  AddWaste(r, +1);
  return true;
}

void ContiguousKvAllocator::Release(SeqId seq) {
  const auto it = seqs_.find(seq);
  assert(it != seqs_.end());
  const Region r = it->second;
  stored_ -= r.length;
  AddWaste(r, -1);
  seqs_.erase(it);
  if (r.offset < 0) return;
  by_offset_.erase(r.offset);
  FreeRegion(r.offset, r.reserve);
}

bool ContiguousKvAllocator::CanExtend(SeqId seq, Tokens length) const {
  const auto it = seqs_.find(seq);
  assert(it != seqs_.end());
  assert(length.value() >= it->second.length);
  return length.value() <= it->second.reserve;
}

Tokens ContiguousKvAllocator::Allocated(SeqId seq) const {
  const auto it = seqs_.find(seq);
  assert(it != seqs_.end());
  return Tokens{it->second.reserve};
}

bool ContiguousKvAllocator::CanAdmit([[maybe_unused]] Tokens initial, Tokens reserve) const {
  assert(initial <= reserve);
  if (reserve.value() <= 0) return true;
  return !hole_lengths_.empty() && *hole_lengths_.rbegin() >= reserve.value();
}

KvUsage ContiguousKvAllocator::Usage() const {
  const KvUsage u{Tokens{capacity_}, Tokens{stored_}, Tokens{reserved_}, Tokens{internal_},
                  Tokens{external_}, Tokens{0},       Tokens{free_}};
  assert(u.stored + u.reserved + u.internal + u.external + u.cached + u.free == u.capacity);
  return u;
}

std::vector<KvCell> ContiguousKvAllocator::BlockMap(int cells) const {
  if (cells <= 0) return {};
  std::vector<KvRun> runs;
  runs.reserve(holes_.size() + 3 * by_offset_.size());
  auto hole = holes_.begin();
  auto region = by_offset_.begin();
  for (std::int64_t pos = 0; pos < capacity_;) {  // holes and regions tile the space
    if (hole != holes_.end() && hole->first == pos) {
      const CellState s = hole->second < min_useful_ ? CellState::kExternal : CellState::kFree;
      AppendRun(runs, pos, pos + hole->second, s, kNoSeq);
      pos += hole->second;
      ++hole;
    } else {
      assert(region != by_offset_.end() && region->first == pos);
      AppendRegionRuns(runs, region->second);
      pos = runs.back().end;
      ++region;
    }
  }
  return SummarizeRuns(runs, capacity_, cells);
}

ContiguousKvAllocator::Waste ContiguousKvAllocator::WasteOf(const Region& r) {
  const std::int64_t will_fill = std::max(std::min(r.reserve, r.final_length), r.length);
  return {will_fill - r.length, r.reserve - will_fill};
}

void ContiguousKvAllocator::AddWaste(const Region& r, int sign) {
  const Waste w = WasteOf(r);
  reserved_ += sign * w.reserved;
  internal_ += sign * w.internal;
}

void ContiguousKvAllocator::AddHole(std::int64_t offset, std::int64_t length) {
  assert(length > 0);
  holes_.emplace(offset, length);
  hole_lengths_.insert(length);
  (length < min_useful_ ? external_ : free_) += length;
}

void ContiguousKvAllocator::RemoveHole(std::map<std::int64_t, std::int64_t>::iterator hole) {
  const std::int64_t length = hole->second;
  hole_lengths_.erase(hole_lengths_.find(length));
  (length < min_useful_ ? external_ : free_) -= length;
  holes_.erase(hole);
}

// Returns [offset, offset + length) to the holes, merged with its neighbours.
void ContiguousKvAllocator::FreeRegion(std::int64_t offset, std::int64_t length) {
  auto next = holes_.lower_bound(offset);
  if (next != holes_.end() && next->first == offset + length) {
    length += next->second;
    next = std::next(next);
    RemoveHole(std::prev(next));
  }
  if (next != holes_.begin()) {
    const auto prev = std::prev(next);
    if (prev->first + prev->second == offset) {
      offset = prev->first;
      length += prev->second;
      RemoveHole(prev);
    }
  }
  AddHole(offset, length);
}

void ContiguousKvAllocator::AppendRegionRuns(std::vector<KvRun>& runs, SeqId seq) const {
  const Region& r = seqs_.find(seq)->second;
  const Waste w = WasteOf(r);
  const std::int64_t a = r.offset + r.length, b = a + w.reserved;
  AppendRun(runs, r.offset, a, CellState::kStored, seq);
  AppendRun(runs, a, b, CellState::kReserved, seq);
  AppendRun(runs, b, r.offset + r.reserve, CellState::kInternal, seq);
}

}  // namespace fleetlab
