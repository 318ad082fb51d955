#include "llm/kv/kv_paged.h"

#include <array>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "llm/kv/kv_test_util.h"

namespace fleetlab {
namespace {

using test::C;
using test::Consistent;
using test::E;
using test::F;
using test::I;
using test::MapView;
using test::N;
using test::P;
using test::PartOf;
using test::Parts;
using test::R;
using test::S;
using test::T;
using test::View;

TEST(PagedKvTest, HandComputedAdmitExtendRelease) {
  PagedKvAllocator kv(T(100), T(16), false);  // 6 blocks, 96 slots
  EXPECT_EQ(kv.Usage().capacity, T(96));
  EXPECT_EQ(Parts(kv.Usage()), (P{0, 0, 0, 0, 0, 96}));

  // 20 tokens in 2 blocks; it will grow to 40: slots 20..31 are reserved.
  const KvAdmission a = kv.Admit(1, T(20), T(20), T(40), {});
  EXPECT_TRUE(a.admitted);
  EXPECT_EQ(a.cached_tokens, T(0));
  EXPECT_EQ(Parts(kv.Usage()), (P{20, 12, 0, 0, 0, 64}));

  // 33 tokens: a third block; slots 33..39 reserved, 40..47 never filled.
  EXPECT_TRUE(kv.Extend(1, T(33)));
  EXPECT_EQ(Parts(kv.Usage()), (P{33, 7, 8, 0, 0, 48}));
  EXPECT_EQ(View(kv.BlockMap(6)), (MapView{{S, 1}, {S, 1}, {I, 1}, {F, N}, {F, N}, {F, N}}));

  // 60 tokens need 4 blocks; 3 are free: refused, nothing changes.
  EXPECT_FALSE(kv.CanAdmit(T(60), T(60)));
  const MapView before = View(kv.BlockMap(96));
  EXPECT_FALSE(kv.Admit(2, T(60), T(60), T(60), {}).admitted);
  EXPECT_EQ(Parts(kv.Usage()), (P{33, 7, 8, 0, 0, 48}));
  EXPECT_EQ(View(kv.BlockMap(96)), before);

  EXPECT_TRUE(kv.Admit(2, T(48), T(48), T(48), {}).admitted);
  EXPECT_EQ(Parts(kv.Usage()), (P{81, 7, 8, 0, 0, 0}));
  EXPECT_TRUE(kv.CanExtend(1, T(48)));   // inside its third block
  EXPECT_FALSE(kv.CanExtend(1, T(49)));  // a fourth block: none left
  EXPECT_FALSE(kv.Extend(1, T(49)));
  EXPECT_EQ(Parts(kv.Usage()), (P{81, 7, 8, 0, 0, 0}));

  kv.Release(1);
  EXPECT_EQ(Parts(kv.Usage()), (P{48, 0, 0, 0, 0, 48}));
  kv.Release(2);
  EXPECT_EQ(Parts(kv.Usage()), (P{0, 0, 0, 0, 0, 96}));
}

TEST(PagedKvTest, TailBeyondFinalLengthIsInternal) {
  PagedKvAllocator kv(T(96), T(16), false);
  ASSERT_TRUE(kv.Admit(1, T(20), T(20), T(20), {}).admitted);  // done growing
  EXPECT_EQ(Parts(kv.Usage()), (P{20, 0, 12, 0, 0, 64}));
  ASSERT_TRUE(kv.Admit(2, T(20), T(20), T(28), {}).admitted);  // 8 more to come
  EXPECT_EQ(Parts(kv.Usage()), (P{40, 8, 16, 0, 0, 32}));
}

TEST(PagedKvTest, ExtendAllocatesOnlyAtBlockBoundaries) {
  PagedKvAllocator kv(T(96), T(16), false);
  ASSERT_TRUE(kv.Admit(1, T(1), T(1), T(90), {}).admitted);
  EXPECT_EQ(kv.Usage().free, T(80));
  ASSERT_TRUE(kv.Extend(1, T(16)));
  EXPECT_EQ(kv.Usage().free, T(80));
  ASSERT_TRUE(kv.Extend(1, T(17)));
  EXPECT_EQ(kv.Usage().free, T(64));
  ASSERT_TRUE(kv.Extend(1, T(80)));  // a jump of several blocks
  EXPECT_EQ(kv.Usage().free, T(16));
  EXPECT_EQ(Parts(kv.Usage()), (P{80, 0, 0, 0, 0, 16}));
  ASSERT_TRUE(kv.Extend(1, T(80)));  // same length: no-op
  EXPECT_EQ(kv.Usage().free, T(16));
}

// Allocated: the slots of the sequence's blocks, what it can grow into
// without allocating (ReplicaState grows within them without Extend).
TEST(PagedKvTest, AllocatedIsTheSlotsOfTheBlocks) {
  PagedKvAllocator kv(T(96), T(16), false);
  ASSERT_TRUE(kv.Admit(1, T(1), T(1), T(90), {}).admitted);
  EXPECT_EQ(kv.Allocated(1), T(16));
  ASSERT_TRUE(kv.Extend(1, T(17)));
  EXPECT_EQ(kv.Allocated(1), T(32));
  ASSERT_TRUE(kv.Admit(2, T(40), T(40), T(40), {}).admitted);
  EXPECT_EQ(kv.Allocated(2), T(48));
}

TEST(PagedKvTest, FreedBlocksAreReusedDeterministically) {
  PagedKvAllocator kv(T(96), T(16), false);
  ASSERT_TRUE(kv.Admit(1, T(32), T(32), T(32), {}).admitted);  // blocks 0, 1
  ASSERT_TRUE(kv.Admit(2, T(16), T(16), T(16), {}).admitted);  // block 2
  kv.Release(1);                                               // 1 then 0 pushed
  ASSERT_TRUE(kv.Admit(3, T(16), T(16), T(16), {}).admitted);  // block 0
  EXPECT_EQ(View(kv.BlockMap(6)), (MapView{{S, 3}, {F, N}, {S, 2}, {F, N}, {F, N}, {F, N}}));
}

TEST(PagedKvTest, BlockMapSlicesSlotsAndRepeatsWhenCellsExceedSlots) {
  PagedKvAllocator kv(T(16), T(4), false);  // 4 blocks of 4 slots
  ASSERT_TRUE(kv.Admit(7, T(6), T(6), T(7), {}).admitted);
  // Block 0: SSSS; block 1: slots 4,5 stored, 6 reserved, 7 internal.
  MapView slots{{S, 7}, {S, 7}, {S, 7}, {S, 7}, {S, 7}, {S, 7}, {R, 7}, {I, 7}};
  slots.resize(16, {F, N});
  EXPECT_EQ(View(kv.BlockMap(16)), slots);
  EXPECT_EQ(View(kv.BlockMap(2)), (MapView{{S, 7}, {F, N}}));
  EXPECT_EQ(View(kv.BlockMap(4)), (MapView{{S, 7}, {S, 7}, {F, N}, {F, N}}));
  // [0,5): 5 stored; [5,10): S R I F F -> free; [10,16): free.
  EXPECT_EQ(View(kv.BlockMap(3)), (MapView{{S, 7}, {F, N}, {F, N}}));
  const MapView doubled = View(kv.BlockMap(32));  // each slot twice
  ASSERT_EQ(doubled.size(), 32u);
  for (std::size_t c = 0; c < 32; ++c) EXPECT_EQ(doubled[c], slots[c / 2]) << c;
  EXPECT_TRUE(kv.BlockMap(0).empty());
  EXPECT_TRUE(kv.BlockMap(-3).empty());
}

TEST(PagedKvTest, BlockMapTiesGoToTheFirstStateAndTheSmallerOwner) {
  PagedKvAllocator kv(T(16), T(4), false);
  ASSERT_TRUE(kv.Admit(5, T(2), T(2), T(2), {}).admitted);  // block 0: S S I I
  ASSERT_TRUE(kv.Admit(3, T(4), T(4), T(4), {}).admitted);  // block 1: S S S S
  EXPECT_EQ(View(kv.BlockMap(4)), (MapView{{S, 5}, {S, 3}, {F, N}, {F, N}}));
  // Cell [0,8): 6 stored (2 of seq 5, 4 of seq 3) and 2 internal.
  EXPECT_EQ(View(kv.BlockMap(2)), (MapView{{S, 3}, {F, N}}));
  ASSERT_TRUE(kv.Admit(9, T(4), T(4), T(4), {}).admitted);  // block 2
  // Cell [8,16): 4 stored, 4 free: the first met (stored) wins.
  EXPECT_EQ(View(kv.BlockMap(2)), (MapView{{S, 3}, {S, 9}}));
}

TEST(PagedKvTest, WasteIsUnderOneBlockPerSequenceOnLongSequences) {
  PagedKvAllocator kv(T(200000), T(16), false);
  std::int64_t total = 0, tails = 0;
  for (SeqId s = 0; s < 50; ++s) {
    const std::int64_t len = 1000 + static_cast<std::int64_t>(s * 41 % 2001);  // 1000..3000
    ASSERT_TRUE(kv.Admit(s, T(len / 2), T(len / 2), T(len), {}).admitted);
    for (std::int64_t l = len / 2 + 1; l <= len; ++l) ASSERT_TRUE(kv.Extend(s, T(l)));
    total += len;
    tails += (len + 15) / 16 * 16 - len;
  }
  const KvUsage u = kv.Usage();
  const std::int64_t allocated = (u.capacity - u.free).value();
  EXPECT_EQ(u.stored.value(), total);
  EXPECT_EQ(u.internal.value(), tails);
  EXPECT_EQ(u.reserved.value(), 0);
  EXPECT_LT(u.internal.value(), 16 * 50);
  EXPECT_GE(static_cast<double>(total) / static_cast<double>(allocated), 0.95);
}

// A random driver: admissions (prefixes of 4 groups), extensions and
// releases over a small cache, checking every category after every step.
class RandomOps {
 public:
  RandomOps(PagedKvAllocator& kv, std::uint64_t seed, bool check)
      : kv_(kv), rng_(seed), check_(check) {}

  // Runs `ops` steps; returns a BlockMap snapshot every 500 steps.
  std::vector<MapView> Run(int ops) {
    std::vector<MapView> snapshots;
    for (int i = 0; i < ops && !::testing::Test::HasFailure(); ++i) {
      const std::uint64_t op = rng_() % 10;
      if (op < 4 || live_.empty()) {
        Admit();
      } else if (op < 8) {
        Extend();
      } else {
        const std::size_t k = rng_() % live_.size();
        kv_.Release(live_[k].id);
        live_[k] = live_.back();
        live_.pop_back();
      }
      if (check_) {
        EXPECT_TRUE(Consistent(kv_)) << "after op " << i;
      }
      if (i % 500 == 0) snapshots.push_back(View(kv_.BlockMap(64)));
    }
    return snapshots;
  }

  std::int64_t live_tokens() const {
    std::int64_t n = 0;
    for (const Live& s : live_) n += s.length;
    return n;
  }
  int refusals = 0;        // admissions and extensions refused
  int evicting_steps = 0;  // extensions that had to evict a cached block

 private:
  void Admit() {
    const std::int64_t initial = 1 + static_cast<std::int64_t>(rng_() % 40);
    const std::int64_t final_length = initial + static_cast<std::int64_t>(rng_() % 40);
    const PrefixRef prefix{rng_() % 4, T(static_cast<std::int64_t>(rng_() % 4) * 6)};
    const bool can = kv_.CanAdmit(T(initial), T(initial));
    const KvAdmission a = kv_.Admit(next_, T(initial), T(initial), T(final_length), prefix);
    if (check_) {
      EXPECT_TRUE(a.admitted || !can);  // hits may admit more than CanAdmit says
      EXPECT_LE(a.cached_tokens, std::min(prefix.tokens, T(initial)));
    }
    if (a.admitted) live_.push_back({next_, initial});
    refusals += a.admitted ? 0 : 1;
    ++next_;
  }

  void Extend() {
    Live& s = live_[rng_() % live_.size()];
    const std::int64_t length = s.length + static_cast<std::int64_t>(rng_() % 20);
    const bool can = kv_.CanExtend(s.id, T(length));
    const KvUsage before = kv_.Usage();
    const bool ok = kv_.Extend(s.id, T(length));
    if (check_) {
      EXPECT_EQ(can, ok);
    }
    if (ok) s.length = length;
    refusals += ok ? 0 : 1;
    evicting_steps += kv_.Usage().cached < before.cached ? 1 : 0;
  }

  struct Live {
    SeqId id;
    std::int64_t length;
  };
  PagedKvAllocator& kv_;
  std::mt19937_64 rng_;
  bool check_;
  std::vector<Live> live_;
  SeqId next_ = 0;
};

TEST(PagedKvTest, CategoriesSumToCapacityUnderRandomOps) {
  PagedKvAllocator kv(T(162), T(4), false);  // 40 blocks, 160 slots
  RandomOps driver(kv, 42, true);
  driver.Run(10000);
  EXPECT_GT(driver.refusals, 100);  // memory was often full
  EXPECT_EQ(kv.Usage().stored.value(), driver.live_tokens());  // no sharing
}

TEST(PagedKvTest, CategoriesSumToCapacityUnderRandomOpsWithPrefixCaching) {
  PagedKvAllocator kv(T(160), T(4), true);
  RandomOps driver(kv, 43, true);
  driver.Run(10000);
  EXPECT_GT(driver.refusals, 100);
  EXPECT_GT(driver.evicting_steps, 100);
  EXPECT_GT(kv.prefix_hit_tokens(), 0u);
  EXPECT_LT(kv.prefix_hit_tokens(), kv.prefix_lookup_tokens());
  EXPECT_LE(kv.Usage().stored.value(), driver.live_tokens());
}

TEST(PagedKvTest, SameOpsGiveTheSameBlockMap) {
  PagedKvAllocator a(T(160), T(4), true), b(T(160), T(4), true);
  EXPECT_EQ(RandomOps(a, 7, false).Run(10000), RandomOps(b, 7, false).Run(10000));
  EXPECT_EQ(View(a.BlockMap(160)), View(b.BlockMap(160)));
}

// Not timed: a per-token loop or O(n) work per call would make this crawl.
TEST(PagedKvTest, MillionExtendCallsRun) {
  PagedKvAllocator kv(T(std::int64_t{1} << 21), T(16), false);
  for (SeqId s = 0; s < 8; ++s) ASSERT_TRUE(kv.Admit(s, T(0), T(0), T(125000), {}).admitted);
  for (std::int64_t l = 1; l <= 125000; ++l) {
    for (SeqId s = 0; s < 8; ++s) ASSERT_TRUE(kv.Extend(s, T(l)));
  }
  EXPECT_EQ(kv.Usage().stored, T(1000000));
  EXPECT_EQ(kv.BlockMap(1000).size(), 1000u);
}

// A cache of more than 2^31 / 256 blocks (the replica's map has 256 cells):
// the sampled map's slice bounds, blocks x cell, pass 2^31. 9e6 blocks of 16
// tokens (144e6 slots, about what llama-3.2-1b gets on 64 H100s); the first
// half held by one sequence. Cell c covers blocks [9e6 c / 256, 9e6 (c+1) /
// 256): cells 0..127 end at or before block 4.5e6, so they are stored by
// sequence 1, and cells 128..255 start at or after it, so they are free.
TEST(PagedKvTest, SampledBlockMapOfMoreThanTwoToThe31OverCellsBlocks) {
  constexpr std::int64_t kBlocks = 9'000'000;
  PagedKvAllocator kv(T(kBlocks * 16), T(16), false);
  ASSERT_TRUE(kv.Admit(1, T(kBlocks * 8), T(kBlocks * 8), T(kBlocks * 8), {}).admitted);
  MapView expected(128, {S, 1});
  expected.resize(256, {F, N});
  EXPECT_EQ(View(kv.BlockMap(256)), expected);
}

TEST(PrefixCachingTest, SecondRequestOfAGroupReusesTheFullPrefixBlocks) {
  PagedKvAllocator kv(T(1600), T(16), true);  // 100 blocks
  const PrefixRef prefix{7, T(64)};           // 4 full blocks
  const KvAdmission a = kv.Admit(1, T(100), T(100), T(150), prefix);  // 7 blocks
  ASSERT_TRUE(a.admitted);
  EXPECT_EQ(a.cached_tokens, T(0));
  EXPECT_EQ(kv.Usage().free, T(93 * 16));
  const KvAdmission b = kv.Admit(2, T(100), T(100), T(150), prefix);  // 3 fresh blocks
  ASSERT_TRUE(b.admitted);
  EXPECT_EQ(b.cached_tokens, T(64));
  // Stored: 100 + 36 (the 64 shared slots once); each reserves 112 - 100.
  EXPECT_EQ(Parts(kv.Usage()), (P{136, 24, 0, 0, 0, 90 * 16}));
  EXPECT_EQ(kv.prefix_hit_tokens(), 64u);
  EXPECT_EQ(kv.prefix_lookup_tokens(), 128u);

  kv.Release(1);  // seq 2 still holds the prefix
  EXPECT_EQ(Parts(kv.Usage()), (P{100, 12, 0, 0, 0, 93 * 16}));
  kv.Release(2);
  EXPECT_EQ(Parts(kv.Usage()), (P{0, 0, 0, 0, 64, 96 * 16}));
  EXPECT_TRUE(Consistent(kv));

  const KvAdmission c = kv.Admit(3, T(64), T(64), T(64), prefix);  // revives the 4
  EXPECT_EQ(c.cached_tokens, T(64));
  EXPECT_EQ(Parts(kv.Usage()), (P{64, 0, 0, 0, 0, 96 * 16}));
}

TEST(PrefixCachingTest, OnlyFullBlocksWithinThePromptAreShared) {
  PagedKvAllocator kv(T(1600), T(16), true);
  ASSERT_TRUE(kv.Admit(1, T(100), T(100), T(100), {3, T(40)}).admitted);  // 2 full blocks
  EXPECT_EQ(kv.Admit(2, T(100), T(100), T(100), {3, T(40)}).cached_tokens, T(32));
  EXPECT_EQ(kv.Admit(3, T(20), T(20), T(20), {3, T(40)}).cached_tokens, T(16));  // clamped
  EXPECT_EQ(kv.Admit(4, T(100), T(100), T(100), {4, T(40)}).cached_tokens, T(0));
  EXPECT_EQ(kv.prefix_hit_tokens(), 48u);
  EXPECT_EQ(kv.prefix_lookup_tokens(), 32u + 32u + 16u + 32u);
  EXPECT_TRUE(Consistent(kv));
}

TEST(PrefixCachingTest, OffMeansNoSharingAndNoStatistics) {
  PagedKvAllocator kv(T(1600), T(16), false);
  ASSERT_TRUE(kv.Admit(1, T(64), T(64), T(64), {7, T(64)}).admitted);
  EXPECT_EQ(kv.Admit(2, T(64), T(64), T(64), {7, T(64)}).cached_tokens, T(0));
  EXPECT_EQ(kv.Usage().stored, T(128));
  kv.Release(1);
  EXPECT_EQ(kv.Usage().cached, T(0));
  EXPECT_EQ(kv.prefix_hit_tokens(), 0u);
  EXPECT_EQ(kv.prefix_lookup_tokens(), 0u);
}

TEST(PrefixCachingTest, FillingMemoryEvictsLeastRecentlyReleasedTailFirst) {
  PagedKvAllocator kv(T(128), T(16), true);  // 8 blocks
  ASSERT_TRUE(kv.Admit(1, T(32), T(32), T(32), {1, T(32)}).admitted);  // blocks 0, 1
  ASSERT_TRUE(kv.Admit(2, T(32), T(32), T(32), {2, T(32)}).admitted);  // blocks 2, 3
  kv.Release(1);  // LRU: 1, 0
  kv.Release(2);  // LRU: 1, 0, 3, 2
  EXPECT_EQ(Parts(kv.Usage()), (P{0, 0, 0, 0, 64, 64}));
  EXPECT_EQ(View(kv.BlockMap(8)),
            (MapView{{C, N}, {C, N}, {C, N}, {C, N}, {F, N}, {F, N}, {F, N}, {F, N}}));

  ASSERT_TRUE(kv.Admit(3, T(80), T(80), T(96), {}).admitted);  // 4 free + block 1
  EXPECT_EQ(View(kv.BlockMap(8)),
            (MapView{{C, N}, {S, 3}, {C, N}, {C, N}, {S, 3}, {S, 3}, {S, 3}, {S, 3}}));
  EXPECT_EQ(kv.Usage().cached, T(48));
  ASSERT_TRUE(kv.Extend(3, T(96)));  // block 0
  EXPECT_EQ(View(kv.BlockMap(8)),
            (MapView{{S, 3}, {S, 3}, {C, N}, {C, N}, {S, 3}, {S, 3}, {S, 3}, {S, 3}}));
  EXPECT_FALSE(kv.CanExtend(3, T(97 + 32)));  // would need 3 blocks; 2 evictable

  // Group 2's chain survived; group 1's was evicted.
  EXPECT_EQ(kv.Admit(4, T(32), T(32), T(32), {2, T(32)}).cached_tokens, T(32));
  kv.Release(4);
  kv.Release(3);
  EXPECT_EQ(kv.Admit(5, T(32), T(32), T(32), {1, T(32)}).cached_tokens, T(0));
  EXPECT_TRUE(Consistent(kv));
}

TEST(PrefixCachingTest, UnheldHitsAreNotCountedAsRoomForFreshBlocks) {
  PagedKvAllocator kv(T(64), T(16), true);  // 4 blocks
  ASSERT_TRUE(kv.Admit(1, T(32), T(32), T(32), {5, T(32)}).admitted);
  kv.Release(1);  // 2 cached, 2 free
  // 5 blocks: 2 hits + 3 fresh, but only 2 blocks are neither free-nor-hit.
  EXPECT_FALSE(kv.Admit(2, T(80), T(80), T(80), {5, T(32)}).admitted);
  EXPECT_EQ(kv.prefix_lookup_tokens(), 32u);  // the refusal counted nothing
  EXPECT_EQ(Parts(kv.Usage()), (P{0, 0, 0, 0, 32, 32}));
  const KvAdmission a = kv.Admit(2, T(64), T(64), T(64), {5, T(32)});  // 2 hits + 2 fresh
  ASSERT_TRUE(a.admitted);
  EXPECT_EQ(a.cached_tokens, T(32));
  EXPECT_EQ(Parts(kv.Usage()), (P{64, 0, 0, 0, 0, 0}));
  EXPECT_TRUE(Consistent(kv));
}

TEST(PrefixCachingTest, SharedBlockIsShownOwnedByItsOldestHolder) {
  PagedKvAllocator kv(T(64), T(16), true);
  ASSERT_TRUE(kv.Admit(4, T(16), T(16), T(16), {1, T(16)}).admitted);  // block 0
  ASSERT_TRUE(kv.Admit(2, T(16), T(16), T(16), {1, T(16)}).admitted);  // shares it
  ASSERT_TRUE(kv.Admit(9, T(16), T(16), T(16), {1, T(16)}).admitted);
  EXPECT_EQ(kv.BlockMap(4)[0].owner, 4u);
  kv.Release(4);
  EXPECT_EQ(kv.BlockMap(4)[0].owner, 2u);
  kv.Release(2);
  EXPECT_EQ(kv.BlockMap(4)[0].owner, 9u);
  EXPECT_EQ(kv.Usage().stored, T(16));
}

TEST(KvFactoryTest, MakesTheNamedKind) {
  KvCacheOptions paged;
  const auto p = MakeKvAllocator(paged, T(100));
  EXPECT_NE(dynamic_cast<const PagedKvAllocator*>(p.get()), nullptr);
  EXPECT_EQ(p->Usage().capacity, T(96));  // whole 16-token blocks
  KvCacheOptions contiguous;
  contiguous.kind = KvCacheOptions::Kind::kContiguous;
  const auto c = MakeKvAllocator(contiguous, T(100));
  EXPECT_NE(dynamic_cast<const ContiguousKvAllocator*>(c.get()), nullptr);
  EXPECT_EQ(c->Usage().capacity, T(100));
}

}  // namespace
}  // namespace fleetlab
