#include "fleetlab/analytic/service_law.h"

#include <gtest/gtest.h>

#include <cmath>

#include "fleetlab/analytic/numeric.h"

namespace fleetlab::analytic {
namespace {

TEST(ServiceLawTest, ExponentialCdfAtKnownPoints) {
  const ServiceLaw s = ServiceLaw::Exponential(0.02);
  EXPECT_NEAR(s.Cdf(0.02), 1 - std::exp(-1.0), 1e-15);
  EXPECT_NEAR(s.Cdf(0.02 * std::log(2.0)), 0.5, 1e-15);
  EXPECT_EQ(s.Cdf(-1), 0);
  EXPECT_NEAR(s.Pdf(0), 50, 1e-12);
  EXPECT_DOUBLE_EQ(s.Cs2(), 1);
}

TEST(ServiceLawTest, GammaWithUnitCvIsExponential) {
  const ServiceLaw g = ServiceLaw::Gamma(0.02, 1);
  const ServiceLaw e = ServiceLaw::Exponential(0.02);
  for (double t : {0.001, 0.01, 0.02, 0.05, 0.2}) {
    EXPECT_NEAR(g.Cdf(t), e.Cdf(t), 1e-14) << t;
    EXPECT_NEAR(g.Survival(t) / e.Survival(t), 1, 1e-12) << t;
    EXPECT_NEAR(g.Pdf(t), e.Pdf(t), 1e-10) << t;
  }
}

TEST(ServiceLawTest, GammaCdfHandValues) {
  // cv = 1/sqrt(3): shape 3, scale mean/3. P(3, x) = 1 - e^-x (1 + x + x^2/2).
  const ServiceLaw g = ServiceLaw::Gamma(3, 1 / std::sqrt(3.0));
  const double x = 2.5;
  EXPECT_NEAR(g.Cdf(x), 1 - std::exp(-x) * (1 + x + x * x / 2), 1e-13);
  EXPECT_NEAR(g.Cdf(x), 0.456186884116670, 1e-13);
  EXPECT_DOUBLE_EQ(g.Cs2(), 1.0 / 3);
}

TEST(ServiceLawTest, LognormalMedianIsExpMu) {
  const double mean = 0.05, cv = 1.5;
  const ServiceLaw s = ServiceLaw::Lognormal(mean, cv);
  const double sigma2 = std::log(1 + cv * cv);
  const double median = std::exp(std::log(mean) - sigma2 / 2);
  EXPECT_NEAR(s.Cdf(median), 0.5, 1e-15);
  EXPECT_NEAR(s.Survival(median), 0.5, 1e-15);
  // The density integrates to the CDF.
  const auto pdf = [&](double t) { return s.Pdf(t); };
  EXPECT_NEAR(IntegrateAdaptiveSimpson(pdf, 0, 0.1, 1e-12), s.Cdf(0.1), 1e-9);
}

TEST(ServiceLawTest, UniformAndDeterministic) {
  const ServiceLaw u = ServiceLaw::Uniform(0.01, 0.03);
  EXPECT_DOUBLE_EQ(u.mean_s, 0.02);
  EXPECT_NEAR(u.cv, 0.02 / (std::sqrt(12.0) * 0.02), 1e-15);
  EXPECT_DOUBLE_EQ(u.Cdf(0.02), 0.5);
  EXPECT_DOUBLE_EQ(u.Cdf(0.005), 0);
  EXPECT_DOUBLE_EQ(u.Pdf(0.015), 50);
  const ServiceLaw d = ServiceLaw::Deterministic(0.01);
  EXPECT_EQ(d.Cdf(0.0099), 0);
  EXPECT_EQ(d.Cdf(0.01), 1);
  EXPECT_EQ(d.Cs2(), 0);
}

TEST(ServiceLawTest, ConsistencyCheck) {
  EXPECT_TRUE(ServiceLaw::Gamma(1, 0.3).IsConsistent());
  EXPECT_TRUE(ServiceLaw::Other(1, 2).IsConsistent());
  ServiceLaw bad = ServiceLaw::Exponential(1);
  bad.cv = 0.5;
  EXPECT_FALSE(bad.IsConsistent());
}

}  // namespace
}  // namespace fleetlab::analytic
