#include "llm/kv/kv_paged_counter.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "llm/kv/kv_paged.h"
#include "llm/kv/kv_test_util.h"

namespace fleetlab {
namespace {

using test::Parts;
using test::T;

TEST(PagedKvCounterTest, HandComputedAdmitExtendRelease) {
  PagedKvCounter kv(T(64), T(16));  // 4 blocks
  ASSERT_TRUE(kv.Admit(1, T(20), T(20), T(40), {}).admitted);  // 2 blocks: 20 stored, 12 reserved
  EXPECT_EQ(Parts(kv.Usage()), (test::P{20, 12, 0, 0, 0, 32}));
  EXPECT_EQ(kv.Allocated(1), T(32));
  EXPECT_FALSE(kv.CanAdmit(T(33), T(33)));  // 3 blocks, 2 free
  EXPECT_FALSE(kv.Admit(2, T(33), T(33), T(33), {}).admitted);
  EXPECT_TRUE(kv.Extend(1, T(40)));  // 3 blocks: 40 stored, 8 internal
  EXPECT_EQ(Parts(kv.Usage()), (test::P{40, 0, 8, 0, 0, 16}));
  EXPECT_FALSE(kv.CanExtend(1, T(65)));
  kv.Release(1);
  EXPECT_EQ(Parts(kv.Usage()), (test::P{0, 0, 0, 0, 0, 64}));
}

// The counter against the mapped allocator (without prefix caching) under
// random admissions, growth and releases on a small cache, so that
// refusals are common: every answer and every usage must agree.
TEST(PagedKvCounterTest, AgreesWithTheMappedAllocatorBlockForBlock) {
  for (const std::int64_t bt : {1, 16, 128}) {
    const Tokens capacity = T(bt * 40 + bt / 2);  // rounded down to whole blocks by both
    PagedKvAllocator mapped(capacity, T(bt), /*prefix_caching=*/false);
    PagedKvCounter counted(capacity, T(bt));
    std::mt19937_64 rng(static_cast<std::uint64_t>(bt));
    struct Live {
      SeqId id;
      std::int64_t length, final_length;
    };
    std::vector<Live> live;
    SeqId next = 0;
    int refused = 0;
    for (int op = 0; op < 20000; ++op) {
      const auto kind = rng() % 10;
      if (kind < 4 || live.empty()) {
        const std::int64_t initial = static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(bt * 12 + 1));
        const std::int64_t final_length = initial + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(bt * 8 + 1));
        ASSERT_EQ(mapped.CanAdmit(T(initial), T(initial)), counted.CanAdmit(T(initial), T(initial)));
        const bool a = mapped.Admit(next, T(initial), T(initial), T(final_length), {}).admitted;
        ASSERT_EQ(a, counted.Admit(next, T(initial), T(initial), T(final_length), {}).admitted) << op;
        if (a) live.push_back({next, initial, final_length});
        refused += a ? 0 : 1;
        ++next;
      } else if (kind < 8) {
        Live& s = live[rng() % live.size()];
        const std::int64_t length = s.length + static_cast<std::int64_t>(rng() % static_cast<std::uint64_t>(bt * 3 + 2));
        ASSERT_EQ(mapped.CanExtend(s.id, T(length)), counted.CanExtend(s.id, T(length))) << op;
        const bool e = mapped.Extend(s.id, T(length));
        ASSERT_EQ(e, counted.Extend(s.id, T(length))) << op;
        if (e) s.length = length;
        ASSERT_EQ(mapped.Allocated(s.id), counted.Allocated(s.id)) << op;
      } else {
        const std::size_t k = rng() % live.size();
        mapped.Release(live[k].id);
        counted.Release(live[k].id);
        live[k] = live.back();
        live.pop_back();
      }
      ASSERT_EQ(Parts(mapped.Usage()), Parts(counted.Usage())) << "block " << bt << " op " << op;
    }
    EXPECT_GT(refused, 100) << bt;  // the cache was full often enough to matter
  }
}

}  // namespace
}  // namespace fleetlab
