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
  const void* hot[] = {&s.output,    &s.prefill_target, &s.prefilled, &s.generated, &s.kv_tokens,
                       &s.kv_room,   &s.last_token,     &s.state,     &s.measured,  &s.engine};
  for (const void* f : hot) EXPECT_LT(OffsetIn(s, f), 64);
  EXPECT_EQ(alignof(Seq), 64u);
  EXPECT_GE(OffsetIn(s, &s.prompt), 64);  // read per admission, not per token
}

}  // namespace
}  // namespace fleetlab
