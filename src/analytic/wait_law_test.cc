#include "fleetlab/analytic/wait_law.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetlab/analytic/numeric.h"

namespace fleetlab::analytic {
namespace {

TEST(AtomExpWaitTest, MomentsAndQuantiles) {
  const AtomExpWait w = AtomExpWait::FromMean(0.4, 0.02);  // rate 20
  EXPECT_DOUBLE_EQ(w.rate, 20);
  EXPECT_DOUBLE_EQ(w.Mean(), 0.02);
  EXPECT_EQ(w.Quantile(0.5), 0);
  EXPECT_NEAR(w.Quantile(0.99), std::log(40.0) / 20, 1e-15);
  EXPECT_EQ(AtomExpWait::FromMean(0, 0.3).Survival(0), 0);
}

TEST(AtomExpWaitTest, NumericConvolutionMatchesClosedForm) {
  // W + Exp(mu) by quadrature against the closed form, including rate == mu.
  for (double mu : {5.0, 20.0, 80.0}) {
    const AtomExpWait w{0.7, 20};
    const auto cdf = [mu](double x) { return x < 0 ? 0 : -std::expm1(-mu * x); };
    for (double t : {0.0, 0.01, 0.05, 0.2, 0.6}) {
      EXPECT_NEAR(SurvivalPlus(w, cdf, t), SurvivalPlusExponential(w, mu, t), 1e-9)
          << "mu " << mu << " t " << t;
    }
  }
}

TEST(AtomExpWaitTest, SumWithUniformIntegratesToTheSumOfMeans) {
  // E[W + U] = integral of P(W + U > t); the uniform CDF has two kinks.
  const AtomExpWait w{0.6, 30};
  const auto cdf = [](double x) { return x < 0.01 ? 0 : (x >= 0.03 ? 1 : (x - 0.01) / 0.02); };
  const auto s = [&](double t) { return SurvivalPlus(w, cdf, t); };
  EXPECT_NEAR(IntegrateAdaptiveSimpson(s, 0, 2, 1e-11, 64), w.Mean() + 0.02, 1e-8);
}

TEST(AtomExpWaitTest, NoWaitLeavesTheServiceLaw) {
  const AtomExpWait none{0, 1};
  EXPECT_NEAR(SurvivalPlusExponential(none, 10, 0.3), std::exp(-3.0), 1e-15);
}

}  // namespace
}  // namespace fleetlab::analytic
