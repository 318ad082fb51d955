#include "llm/scheduler/sequence.h"

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

std::ptrdiff_t OffsetIn(const Seq& s, const void* field) {
  return static_cast<const char*>(field) - reinterpret_cast<const char*>(&s);
}

// Every field a decode step reads or writes (PlanDecodes, GrowOrPreempt,
// AddDecode, FinishIteration, EmitTokens) lies in the first cache line: a
// 512-replica fleet touches ~2 x 10^4 sequences, more than L2 holds.
TEST(SeqLayout, DecodeStepFieldsShareTheFirstCacheLine) {
  const Seq s;
  const void* hot[] = {&s.output,    &s.folded,         &s.prefill_target, &s.prefilled, &s.generated, &s.kv_tokens,
                       &s.kv_room,   &s.last_token,     &s.state,     &s.measured,  &s.engine};
  for (const void* f : hot) EXPECT_LT(OffsetIn(s, f), 64);
  EXPECT_EQ(alignof(Seq), 64u);
  EXPECT_GE(OffsetIn(s, &s.prompt), 64);  // read per admission, not per token
}

// A cohort member's visits (due at its next block or its last token) and a
// block crossing read the first line and only the second besides.
TEST(SeqLayout, BlockCrossingFieldsShareTheSecondCacheLine) {
  const Seq s;
  const void* crossing[] = {&s.cohort_id, &s.cohort_base, &s.running_order, &s.kv_told, &s.prompt, &s.request.id};
  for (const void* f : crossing) {
    EXPECT_GE(OffsetIn(s, f), 64);
    EXPECT_LT(OffsetIn(s, f), 128);
  }
}

// After a recompute preemption the generated tokens are prefilled again as
// part of the prompt; the KV then holds each once (it held them twice, so
// a recomputed request grew past prompt + output and needed more blocks).
TEST(SeqContext, RecomputedOutputCountsOnce) {
  Seq s;
  s.prompt = s.prefill_target = s.prefilled = 100;
  s.output = 50;
  s.generated = 40;
  EXPECT_EQ(s.context(), 140);
  s.prefill_target = s.prompt + s.generated;  // what a recompute preemption leaves (ReplicaState::Preempt)
  s.folded = 40;
  s.prefilled = 0;
  EXPECT_EQ(s.context(), 0);
  s.prefilled = 70;  // half-way through the recompute
  EXPECT_EQ(s.context(), 70);
  s.prefilled = s.prefill_target;  // recomputed: its next token follows
  ++s.generated;
  EXPECT_EQ(s.context(), 141);
  s.generated = s.output;
  EXPECT_EQ(s.context(), s.prompt + s.output);
}

}  // namespace
}  // namespace fleetlab
