#include "fleetlab/analytic/parallelism.h"

#include <gtest/gtest.h>

namespace fleetlab::analytic {
namespace {

TEST(RingCollectivesTest, AllReduceHandValue) {
  // 1 GB over 8 ranks at 100 GB/s, alpha 5 us: 2*7/8*0.01 s + 14*5 us = 17.57 ms.
  EXPECT_NEAR(RingAllReduceTime(1e9, 8, 100e9, 5e-6), 0.01757, 1e-15);
}

TEST(RingCollectivesTest, AllGatherAndReduceScatterAreHalfAnAllReduce) {
  EXPECT_NEAR(RingAllGatherTime(1e9, 8, 100e9, 5e-6), 0.008785, 1e-15);
  EXPECT_NEAR(RingReduceScatterTime(1e9, 8, 100e9, 5e-6), 0.008785, 1e-15);
  EXPECT_NEAR(RingAllGatherTime(3e8, 4, 50e9, 2e-6) * 2, RingAllReduceTime(3e8, 4, 50e9, 2e-6),
              1e-15);
}

TEST(RingCollectivesTest, OneRankCostsNothing) {
  EXPECT_EQ(RingAllReduceTime(1e9, 1, 100e9, 5e-6), 0);
}

TEST(PipelineTest, BubbleFraction) {
  EXPECT_DOUBLE_EQ(PipelineBubbleFraction(4, 8), 3.0 / 11);
  EXPECT_DOUBLE_EQ(PipelineBubbleFraction(1, 1), 0);
  EXPECT_DOUBLE_EQ(PipelineBubbleFraction(8, 1), 7.0 / 8);
}

}  // namespace
}  // namespace fleetlab::analytic

namespace fleetlab::analytic {
namespace {

// 8 ranks each send 1 GB spread over all: 7/8 GB leaves each over a 100 GB/s
// link in 8.75 ms, plus 7 start-ups of 5 us; one rank sends nothing.
TEST(AllToAllTest, SendsAllButItsOwnShareAsDirectMessages) {
  EXPECT_NEAR(AllToAllTime(1e9, 8, 100e9, 5e-6), 0.00875 + 35e-6, 1e-15);
  EXPECT_EQ(AllToAllTime(1e9, 1, 100e9, 5e-6), 0.0);
  // As an all-gather of the same per-rank share moves the same bytes.
  EXPECT_NEAR(AllToAllTime(1e9, 4, 50e9, 0), RingAllGatherTime(1e9, 4, 50e9, 0), 1e-15);
}

}  // namespace
}  // namespace fleetlab::analytic
