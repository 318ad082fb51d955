#include "fleetlab/util/time_weighted.h"

#include <array>
#include <cstdint>

#include <gtest/gtest.h>

#include "fleetlab/random/rng.h"

namespace fleetlab {
namespace {

// The set gives each quantity exactly what a TimeWeighted of its own gives
// (bit for bit: ReplicaStats' figures must not move), through changes at
// random times, repeated times, a reset, a freeze and changes after it.
TEST(TimeWeightedSetTest, EachQuantityIsExactlyATimeWeighted) {
  constexpr std::size_t kN = 5;
  TimeWeightedSet<kN> set;
  std::array<TimeWeighted, kN> one;
  Rng rng(3);
  SimTime now = 0;
  const auto check = [&](SimTime at) {
    for (std::size_t i = 0; i < kN; ++i) {
      ASSERT_EQ(set.value(i), one[i].value()) << i;
      ASSERT_EQ(set.Average(i, at), one[i].Average(at)) << i << " at " << at;
    }
  };
  for (int step = 0; step < 20'000; ++step) {
    if (step % 7 != 0) now += static_cast<SimTime>(rng.Uniform() * 1e6);  // every 7th at the same time
    std::array<double, kN> values{};
    for (std::size_t i = 0; i < kN; ++i) {
      values[i] = static_cast<double>(static_cast<std::int64_t>(rng.Uniform() * 1000)) * (i + 1) / 3.0;
      one[i].Set(now, values[i]);
    }
    set.Set(now, values);
    if (step == 5'000) {
      set.Reset(now);
      for (TimeWeighted& t : one) t.Reset(now);
    }
    if (step % 1'000 == 0) check(now + 12345);
    if (step == 15'000) {
      set.Freeze(now + 10);
      for (TimeWeighted& t : one) t.Freeze(now + 10);
    }
  }
  check(now + 777);
  EXPECT_EQ(set.Average(0, now), one[0].Average(now));
}

// Hand-derived: 2 for 3 ns then 5 for 1 ns averages 11/4; a reset at the
// change starts again from the current value.
TEST(TimeWeightedSetTest, AveragesByHand) {
  TimeWeightedSet<2> set;
  set.Reset(10);
  set.Set(10, {2.0, 1.0});
  set.Set(13, {5.0, 1.0});
  EXPECT_DOUBLE_EQ(set.Average(0, 14), 11.0 / 4);
  EXPECT_DOUBLE_EQ(set.Average(1, 14), 1.0);
  set.Reset(14);
  EXPECT_DOUBLE_EQ(set.Average(0, 14), 5.0);
  EXPECT_DOUBLE_EQ(set.Average(0, 20), 5.0);
}

}  // namespace
}  // namespace fleetlab
