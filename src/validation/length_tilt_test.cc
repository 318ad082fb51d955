#include "validation/length_tilt.h"

#include <cmath>
#include <numeric>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

std::vector<TraceRecord> Records() {
  std::vector<TraceRecord> r;
  for (int p : {10, 50, 200, 800}) {
    for (int o : {5, 40, 300, 1000}) r.push_back({0, p, o + p / 10, 0, 0});
  }
  return r;
}

double Mean(const std::vector<TraceRecord>& r, const std::vector<double>& w, bool prompt) {
  double m = 0;
  for (std::size_t i = 0; i < r.size(); ++i) m += w[i] * (prompt ? r[i].prompt_tokens : r[i].output_tokens);
  return m;
}

// The weights sum to 1, every record keeps some, and the weighted means
// are the asked ones, above and below the records' own means.
TEST(LengthTiltTest, ReachesTheMeansKeepingEveryRecord) {
  const auto r = Records();
  for (const auto& [p, o] : {std::pair{100.0, 120.0}, {500.0, 600.0}, {30.0, 700.0}}) {
    auto w = TiltToMeans(r, p, o);
    ASSERT_TRUE(w.ok()) << w.status().message();
    EXPECT_NEAR(std::accumulate(w->begin(), w->end(), 0.0), 1, 1e-12);
    for (double x : *w) EXPECT_GT(x, 0);
    EXPECT_NEAR(Mean(r, *w, true), p, 1e-7 * p);
    EXPECT_NEAR(Mean(r, *w, false), o, 1e-7 * o);
  }
}

// Asking for the records' own means changes nothing: even weights.
TEST(LengthTiltTest, TheRecordsOwnMeansKeepEvenWeights) {
  const auto r = Records();
  double p = 0, o = 0;
  for (const auto& x : r) p += x.prompt_tokens, o += x.output_tokens;
  auto w = TiltToMeans(r, p / r.size(), o / r.size());
  ASSERT_TRUE(w.ok());
  for (double x : *w) EXPECT_NEAR(x, 1.0 / r.size(), 1e-12);
}

// A mean no weighting can reach is refused, naming the records' range.
TEST(LengthTiltTest, UnreachableMeansAreRefused) {
  const auto r = Records();
  auto w = TiltToMeans(r, 5, 100);
  ASSERT_FALSE(w.ok());
  EXPECT_NE(w.status().message().find("10-800"), std::string::npos) << w.status().message();
  EXPECT_FALSE(TiltToMeans(r, 100, 2000).ok());
  EXPECT_FALSE(TiltToMeans({}, 100, 100).ok());
}

}  // namespace
}  // namespace fleetlab
