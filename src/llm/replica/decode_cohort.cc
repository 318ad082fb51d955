#include "llm/replica/decode_cohort.h"

#include <algorithm>
#include <cassert>

namespace fleetlab {

std::int64_t DecodeCohort::DueStep(const Seq& s) const {
  // Plan step planned_ + k grows s to context + k tokens and makes its
  // (generated + k)-th token.
  const std::int64_t beyond_room = planned_ + (s.kv_room - s.context()) + 1;
  const std::int64_t last = planned_ + (s.output - s.generated);
  return std::min(beyond_room, last);
}

bool DecodeCohort::MayJoin(const Seq& s, bool stepped) const {
  if (s.cohort_id != 0 || s.state != SeqState::kRunning || !s.prefill_done() || s.finished()) return false;
  if (s.kv_tokens != s.context() || planned_ != step_) return false;
  if (!stepped && size_ > 0) return false;  // the members' last token came earlier than s's
  return DueStep(s) > planned_ + 1;         // due at once: it would leave before its first step here
}

void DecodeCohort::Join(Seq& s, std::uint32_t slot, SimTime now, std::uint64_t id) {
  assert(MayJoin(s, true) && id != 0);
  s.cohort_id = id;
  s.cohort_base = planned_;
  Reschedule(s, slot);
  if (size_ == 0) last_token_ = now;
  assert(last_token_ == now && s.last_token == now);
  ++size_;
  measured_ += s.measured ? 1 : 0;
  context_ += s.context();
}

void DecodeCohort::Reschedule(const Seq& s, std::uint32_t slot) {
  assert(s.cohort_id != 0 && s.cohort_base == planned_ && s.kv_tokens == s.context());
  const Due d{DueStep(s), s.cohort_id, slot};
  assert(d.step > planned_ + 1);
  if (d.step - planned_ >= kNear) {
    far_.push(d);
    return;
  }
  const auto b = static_cast<std::size_t>(d.step % kNear);
  Bucket& bucket = near_[b];
  assert(bucket.count == 0 || bucket.step == d.step);
  bucket.step = d.step;
  if (bucket.count < kPerBucket) {
    bucket.slot[bucket.count] = d.slot;
    bucket.id[bucket.count] = d.id;
  } else {
    if (spill_.empty()) spill_.resize(kNear);
    spill_[b].push_back(d);
  }
  ++bucket.count;
  occupied_ |= std::uint64_t{1} << b;
}

void DecodeCohort::Rebase(Seq& s) {
  assert(s.cohort_id != 0 && planned_ == step_);
  const std::int64_t steps = step_ - s.cohort_base;
  s.generated += steps;
  s.kv_tokens += steps;
  if (steps > 0) s.last_token = last_token_;
  s.cohort_base = planned_;
}

void DecodeCohort::Leave(Seq& s) {
  Rebase(s);
  s.cohort_id = 0;
  --size_;
  measured_ -= s.measured ? 1 : 0;
  context_ -= s.context();
  assert(size_ >= 0 && measured_ >= 0 && context_ >= 0);
}

void DecodeCohort::PopDue(const std::vector<Seq>& seqs, std::vector<std::uint32_t>* due) {
  const std::int64_t next = planned_ + 1;
  const auto b = static_cast<std::size_t>(next % kNear);
  const std::uint64_t bit = std::uint64_t{1} << b;
  if ((occupied_ & bit) != 0) {
    Bucket& bucket = near_[b];
    assert(bucket.step == next);
    for (std::uint32_t k = 0; k < std::min(bucket.count, kPerBucket); ++k) {
      Collect(seqs, bucket.slot[k], bucket.id[k], due);
    }
    if (bucket.count > kPerBucket) {
      for (const Due& d : spill_[b]) Collect(seqs, d.slot, d.id, due);
      spill_[b].clear();
    }
    bucket.count = 0;
    occupied_ &= ~bit;
  }
  while (!far_.empty() && far_.top().step <= next) {
    const Due d = far_.top();
    far_.pop();
    assert(d.step == next);
    Collect(seqs, d.slot, d.id, due);
  }
}

void DecodeCohort::Finish(SimTime now) {
  assert(planned_ == step_ + 1);
  ++step_;
  context_ += size_;
  last_token_ = now;
}

}  // namespace fleetlab
