#include "fleetlab/analytic/speculative.h"

#include <gtest/gtest.h>

namespace fleetlab::analytic {
namespace {

TEST(SpeculativeTest, LeviathanExample) {
  // alpha 0.8, gamma 5, free draft: (1 - 0.8^6) / 0.2 = 3.68928.
  EXPECT_NEAR(SpeculativeTokensPerStep(0.8, 5), 3.68928, 1e-12);
  EXPECT_NEAR(SpeculativeSpeedup(0.8, 5, 0), 3.68928, 1e-12);
}

TEST(SpeculativeTest, Limits) {
  EXPECT_DOUBLE_EQ(SpeculativeTokensPerStep(1, 5), 6);
  EXPECT_DOUBLE_EQ(SpeculativeTokensPerStep(0, 5), 1);
  EXPECT_DOUBLE_EQ(SpeculativeTokensPerStep(0.5, 0), 1);
}

TEST(SpeculativeTest, DraftCostCanTurnGainIntoLoss) {
  EXPECT_NEAR(SpeculativeSpeedup(0.8, 5, 0.1), 3.68928 / 1.5, 1e-12);
  EXPECT_LT(SpeculativeSpeedup(0.3, 8, 0.2), 1);
}

}  // namespace
}  // namespace fleetlab::analytic
