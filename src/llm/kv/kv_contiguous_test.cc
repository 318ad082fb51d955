#include "llm/kv/kv_contiguous.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numbers>
#include <random>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "llm/kv/kv_test_util.h"

#include "llm/kv/kv_paged.h"

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

TEST(ContiguousKvTest, HandComputedAdmitExtendRelease) {
  ContiguousKvAllocator kv(T(100), T(1));
  EXPECT_EQ(Parts(kv.Usage()), (P{0, 0, 0, 0, 0, 100}));
  // [0, 30): 10 stored, 10 still to come (final 20), 10 never used.
  const KvAdmission a = kv.Admit(1, T(10), T(30), T(20), {});
  EXPECT_TRUE(a.admitted);
  EXPECT_EQ(a.cached_tokens, T(0));
  EXPECT_EQ(Parts(kv.Usage()), (P{10, 10, 10, 0, 0, 70}));
  EXPECT_TRUE(kv.Extend(1, T(20)));
  EXPECT_EQ(Parts(kv.Usage()), (P{20, 0, 10, 0, 0, 70}));
  EXPECT_TRUE(kv.CanExtend(1, T(30)));
  EXPECT_EQ(kv.Allocated(1), T(30));  // its region
  EXPECT_FALSE(kv.CanExtend(1, T(31)));
  EXPECT_FALSE(kv.Extend(1, T(31)));  // beyond the reservation
  EXPECT_EQ(Parts(kv.Usage()), (P{20, 0, 10, 0, 0, 70}));

  ASSERT_TRUE(kv.Admit(2, T(50), T(70), T(60), {}).admitted);  // [30, 100)
  EXPECT_EQ(Parts(kv.Usage()), (P{70, 10, 20, 0, 0, 0}));
  EXPECT_FALSE(kv.CanAdmit(T(1), T(1)));
  EXPECT_FALSE(kv.Admit(3, T(1), T(1), T(1), {}).admitted);

  kv.Release(1);  // hole [0, 30)
  EXPECT_EQ(Parts(kv.Usage()), (P{50, 10, 10, 0, 0, 30}));
  const MapView before = View(kv.BlockMap(100));
  EXPECT_FALSE(kv.Admit(3, T(5), T(40), T(5), {}).admitted);  // 40 > 30
  EXPECT_EQ(View(kv.BlockMap(100)), before);
  kv.Release(2);  // merges into one hole of 100
  EXPECT_TRUE(kv.CanAdmit(T(100), T(100)));
  EXPECT_EQ(Parts(kv.Usage()), (P{0, 0, 0, 0, 0, 100}));
}

TEST(ContiguousKvTest, SmallHolesAreExternalFragmentationExactly) {
  ContiguousKvAllocator kv(T(100), T(25));
  const std::int64_t sizes[] = {20, 30, 15, 25};  // A [0,20) B [20,50) C [50,65) D [65,90)
  for (SeqId s = 0; s < 4; ++s) {
    ASSERT_TRUE(kv.Admit(s, T(sizes[s]), T(sizes[s]), T(sizes[s]), {}).admitted);
  }
  EXPECT_EQ(Parts(kv.Usage()), (P{90, 0, 0, 10, 0, 0}));  // [90,100) < 25
  kv.Release(0);
  kv.Release(2);  // holes of 20, 15 and 10: 45 free slots, none usable
  EXPECT_EQ(Parts(kv.Usage()), (P{55, 0, 0, 45, 0, 0}));
  EXPECT_FALSE(kv.CanAdmit(T(25), T(25)));
  EXPECT_TRUE(kv.CanAdmit(T(20), T(20)));
  // Cells of 5 slots: A's hole, B, C's hole, D, the tail hole.
  EXPECT_EQ(View(kv.BlockMap(20)), (MapView{{E, N}, {E, N}, {E, N}, {E, N},                  //
                                            {S, 1}, {S, 1}, {S, 1}, {S, 1}, {S, 1}, {S, 1},  //
                                            {E, N}, {E, N}, {E, N},                          //
                                            {S, 3}, {S, 3}, {S, 3}, {S, 3}, {S, 3},          //
                                            {E, N}, {E, N}}));
  kv.Release(1);  // [0, 65) merges: usable again
  EXPECT_EQ(Parts(kv.Usage()), (P{25, 0, 0, 10, 0, 65}));
  ASSERT_TRUE(kv.Admit(4, T(25), T(25), T(25), {}).admitted);  // first fit: [0, 25)
  EXPECT_EQ(Parts(kv.Usage()), (P{50, 0, 0, 10, 0, 40}));
  EXPECT_EQ(kv.BlockMap(4)[0].owner, 4u);
}

TEST(ContiguousKvTest, FirstFitTakesTheLowestHoleThatFits) {
  ContiguousKvAllocator kv(T(100), T(1));
  ASSERT_TRUE(kv.Admit(1, T(20), T(20), T(20), {}).admitted);  // [0, 20)
  ASSERT_TRUE(kv.Admit(2, T(30), T(30), T(30), {}).admitted);  // [20, 50)
  ASSERT_TRUE(kv.Admit(3, T(40), T(40), T(40), {}).admitted);  // [50, 90)
  kv.Release(1);
  kv.Release(3);                                               // holes 20, 50
  ASSERT_TRUE(kv.Admit(4, T(30), T(30), T(30), {}).admitted);  // [50, 80)
  ASSERT_TRUE(kv.Admit(5, T(10), T(10), T(10), {}).admitted);  // [0, 10)
  EXPECT_EQ(View(kv.BlockMap(10)), (MapView{{S, 5}, {F, N}, {S, 2}, {S, 2}, {S, 2}, {S, 4}, {S, 4},
                                            {S, 4}, {F, N}, {F, N}}));
}

TEST(ContiguousKvTest, BlockMapSlicesSlotsAndRepeatsWhenCellsExceedSlots) {
  ContiguousKvAllocator kv(T(10), T(5));
  ASSERT_TRUE(kv.Admit(4, T(2), T(6), T(4), {}).admitted);  // S S R R I I, then a hole of 4
  const MapView slots{{S, 4}, {S, 4}, {R, 4}, {R, 4}, {I, 4},
                      {I, 4}, {E, N}, {E, N}, {E, N}, {E, N}};
  EXPECT_EQ(View(kv.BlockMap(10)), slots);
  EXPECT_EQ(View(kv.BlockMap(5)), (MapView{{S, 4}, {R, 4}, {I, 4}, {E, N}, {E, N}}));
  // [0,3): S S R; [3,6): R I I; [6,10): E.
  EXPECT_EQ(View(kv.BlockMap(3)), (MapView{{S, 4}, {I, 4}, {E, N}}));
  const MapView doubled = View(kv.BlockMap(20));
  ASSERT_EQ(doubled.size(), 20u);
  for (std::size_t c = 0; c < 20; ++c) EXPECT_EQ(doubled[c], slots[c / 2]) << c;
  EXPECT_TRUE(kv.BlockMap(0).empty());
}

TEST(ContiguousKvTest, IgnoresPrefixesAndEmptyReservationsHoldNoSlots) {
  ContiguousKvAllocator kv(T(100), T(1));
  ASSERT_TRUE(kv.Admit(1, T(64), T(64), T(64), {7, T(64)}).admitted);
  EXPECT_EQ(kv.Admit(2, T(30), T(30), T(30), {7, T(64)}).cached_tokens, T(0));
  EXPECT_TRUE(kv.Admit(3, T(0), T(0), T(5), {}).admitted);  // full memory, zero slots
  EXPECT_FALSE(kv.CanExtend(3, T(1)));
  EXPECT_EQ(Parts(kv.Usage()), (P{94, 0, 0, 0, 0, 6}));
  kv.Release(3);
  kv.Release(1);
  EXPECT_EQ(kv.prefix_hit_tokens(), 0u);
  EXPECT_EQ(kv.prefix_lookup_tokens(), 0u);
  EXPECT_TRUE(Consistent(kv));
}

struct Request {
  std::int64_t length, final_length;
};

// Prompt ~ lognormal(median 300), output ~ lognormal(median 200), both
// capped so that the total fits 2048; each request caught at a uniform
// point of its decode. Raw mt19937_64 output (fixed by the standard) turned
// into uniforms and normals here, so the mix is the same on every library.
std::vector<Request> RealisticMix(std::uint64_t seed, int n) {
  std::mt19937_64 rng(seed);
  const auto uniform = [&] { return static_cast<double>((rng() >> 11) + 1) * 0x1.0p-53; };
  const auto lognormal = [&](double median, double sigma) {
    const double u1 = uniform(), u2 = uniform();
    const double z = std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
    return std::llround(median * std::exp(sigma * z));
  };
  std::vector<Request> mix;
  for (int i = 0; i < n; ++i) {
    const std::int64_t prompt = std::clamp<std::int64_t>(lognormal(300, 0.8), 8, 1536);
    const std::int64_t output = std::clamp<std::int64_t>(lognormal(200, 0.8), 1, 2048 - prompt);
    const auto done = static_cast<std::int64_t>(uniform() * static_cast<double>(output));
    mix.push_back({prompt + std::min(done, output), prompt + output});
  }
  return mix;
}

// Admits the mix in order, reserving 2048 each, until one is refused.
int AdmitUntilFull(KvAllocator& kv, const std::vector<Request>& mix) {
  for (std::size_t i = 0; i < mix.size(); ++i) {
    const Request& r = mix[i];
    if (!kv.Admit(i, T(r.length), T(2048), T(r.final_length), {}).admitted) {
      return static_cast<int>(i);
    }
  }
  return static_cast<int>(mix.size());
}

TEST(ContiguousKvTest, MaxLengthReservationStoresAMinorityWherePagedStoresMost) {
  const std::vector<Request> mix = RealisticMix(2023, 2000);
  constexpr std::int64_t kCapacity = 64 * 2048;
  ContiguousKvAllocator contiguous(T(kCapacity), T(2048));
  EXPECT_EQ(AdmitUntilFull(contiguous, mix), 64);
  const KvUsage c = contiguous.Usage();
  const double stored_fraction = static_cast<double>(c.stored.value()) / kCapacity;
  EXPECT_LT(stored_fraction, 0.5);
  EXPECT_GT(c.reserved + c.internal, c.stored);

  PagedKvAllocator paged(T(kCapacity), T(16), false);
  const int admitted = AdmitUntilFull(paged, mix);
  const KvUsage p = paged.Usage();
  const double allocated = static_cast<double>((p.capacity - p.free).value());
  EXPECT_GT(static_cast<double>(p.stored.value()) / allocated, 0.9);
  EXPECT_GT(admitted, 2 * 64);
}

// A random driver: admissions (some with empty reservations), extensions
// (some past the reservation) and releases, checking every category and
// the stored total after every step.
class RandomOps {
 public:
  RandomOps(ContiguousKvAllocator& kv, std::uint64_t seed, bool check)
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
        stored_ -= live_[k].length;
        live_[k] = live_.back();
        live_.pop_back();
      }
      if (check_) {
        EXPECT_TRUE(Consistent(kv_)) << "after op " << i;
        EXPECT_EQ(kv_.Usage().stored.value(), stored_);
      }
      external_steps += kv_.Usage().external > T(0) ? 1 : 0;
      if (i % 500 == 0) snapshots.push_back(View(kv_.BlockMap(64)));
    }
    return snapshots;
  }

  int refused_admits = 0, refused_extends = 0;
  int external_steps = 0;  // steps that ended with some external fragmentation

 private:
  void Admit() {
    const auto reserve = static_cast<std::int64_t>(rng_() % 61);
    const auto initial =
        static_cast<std::int64_t>(rng_() % static_cast<std::uint64_t>(reserve + 1));
    const std::int64_t final_length = initial + static_cast<std::int64_t>(rng_() % 80);
    const bool can = kv_.CanAdmit(T(initial), T(reserve));
    const bool ok = kv_.Admit(next_, T(initial), T(reserve), T(final_length), {}).admitted;
    if (check_) {
      EXPECT_EQ(can, ok);
    }
    if (ok) {
      live_.push_back({next_, initial});
      stored_ += initial;
    }
    refused_admits += ok ? 0 : 1;
    ++next_;
  }

  void Extend() {
    Live& s = live_[rng_() % live_.size()];
    const std::int64_t length = s.length + static_cast<std::int64_t>(rng_() % 20);
    const bool can = kv_.CanExtend(s.id, T(length));
    const bool ok = kv_.Extend(s.id, T(length));
    if (check_) {
      EXPECT_EQ(can, ok);
    }
    if (ok) {
      stored_ += length - s.length;
      s.length = length;
    }
    refused_extends += ok ? 0 : 1;
  }

  struct Live {
    SeqId id;
    std::int64_t length;
  };
  ContiguousKvAllocator& kv_;
  std::mt19937_64 rng_;
  bool check_;
  std::vector<Live> live_;
  std::int64_t stored_ = 0;
  SeqId next_ = 0;
};

TEST(ContiguousKvTest, CategoriesSumToCapacityUnderRandomOps) {
  ContiguousKvAllocator kv(T(200), T(16));
  RandomOps driver(kv, 42, true);
  driver.Run(10000);
  EXPECT_GT(driver.refused_admits, 100);
  EXPECT_GT(driver.refused_extends, 100);
  EXPECT_GT(driver.external_steps, 100);
}

TEST(ContiguousKvTest, SameOpsGiveTheSameBlockMap) {
  ContiguousKvAllocator a(T(200), T(16)), b(T(200), T(16));
  EXPECT_EQ(RandomOps(a, 9, false).Run(10000), RandomOps(b, 9, false).Run(10000));
  EXPECT_EQ(View(a.BlockMap(200)), View(b.BlockMap(200)));
}

}  // namespace
}  // namespace fleetlab
