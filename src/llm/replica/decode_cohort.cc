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
  if (d.step - planned_ < kNear) {
    near_[static_cast<std::size_t>(d.step % kNear)].push_back(d);
  } else {
    far_.push(d);
  }
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
  auto& bucket = near_[static_cast<std::size_t>(next % kNear)];
  for (const Due& d : bucket) {
    assert(d.step == next);
    if (seqs[d.slot].cohort_id == d.id) due->push_back(d.slot);  // else it left (preempted): stale
  }
  bucket.clear();
  while (!far_.empty() && far_.top().step <= next) {
    const Due d = far_.top();
    far_.pop();
    assert(d.step == next);
    if (seqs[d.slot].cohort_id == d.id) due->push_back(d.slot);
  }
}

void DecodeCohort::Finish(SimTime now) {
  assert(planned_ == step_ + 1);
  ++step_;
  context_ += size_;
  last_token_ = now;
}

}  // namespace fleetlab
