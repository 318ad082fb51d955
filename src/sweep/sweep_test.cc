#include "fleetlab/sweep/sweep.h"

#include <cmath>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fleetlab/sweep/sweep_runner.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// A small M/M/1 (mean service 10 ms) with few requests: quick to simulate.
json SmallBase() {
  return json::parse(R"({"name": "mm1-small", "seed": 3,
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 50}, "requests": 2000, "warmup_requests": 100},
    "station": {"servers": 1, "service": {"distribution": "exponential", "mean_ms": 10}}})");
}

SweepSpec Parse(json doc) {
  auto spec = ParseSweep(doc, "");
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  return spec.ok() ? *spec : SweepSpec();
}

std::string ErrorOf(json doc) {
  auto spec = ParseSweep(doc, "");
  return spec.ok() ? "(no error)" : spec.status().message();
}

TEST(SweepExpandTest, CartesianProductLastAxisFastest) {
  json doc = {{"base", SmallBase()},
              {"axes", {{{"path", "station.servers"}, {"values", {1, 2}}},
                        {{"path", "workload.arrival.rate_per_s"}, {"values", {10, 20, 30}}}}}};
  const auto points = ExpandSweep(Parse(doc));
  ASSERT_EQ(points.size(), 6u);
  for (std::size_t i = 0; i < points.size(); ++i) {
    EXPECT_EQ(points[i].index, i);
    EXPECT_EQ(points[i].values[0], json(1 + static_cast<int>(i) / 3));
    EXPECT_EQ(points[i].values[1], json(10 * (1 + static_cast<int>(i) % 3)));
  }
}

TEST(SweepExpandTest, StepRangeKeepsIntegersAndIncludesStop) {
  json doc = {{"base", SmallBase()},
              {"axes", {{{"path", "station.servers"}, {"range", {{"start", 1}, {"stop", 9}, {"step", 2}}}}}}};
  const auto points = ExpandSweep(Parse(doc));
  ASSERT_EQ(points.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_TRUE(points[i].values[0].is_number_integer());
    EXPECT_EQ(points[i].values[0].get<int>(), 1 + 2 * static_cast<int>(i));
  }
  // A fractional step: 0.1, 0.2, 0.3 (3 values, stop included despite rounding).
  doc["axes"][0] = {{"path", "workload.arrival.rate_per_s"}, {"range", {{"start", 0.1}, {"stop", 0.3}, {"step", 0.1}}}};
  const auto tenths = ExpandSweep(Parse(doc));
  ASSERT_EQ(tenths.size(), 3u);
  EXPECT_EQ(tenths[2].values[0].get<double>(), 0.3);  // rounded to 12 digits, not 0.30000000000000004
}

TEST(SweepExpandTest, PointRangesLinearAndLog) {
  json doc = {{"base", SmallBase()},
              {"axes", {{{"path", "workload.arrival.rate_per_s"},
                         {"range", {{"start", 1}, {"stop", 100}, {"points", 3}, {"scale", "log"}}}}}}};
  auto points = ExpandSweep(Parse(doc));
  ASSERT_EQ(points.size(), 3u);
  const double want_log[] = {1, 10, 100};  // 1 * 100^(i/2)
  for (int i = 0; i < 3; ++i) EXPECT_EQ(points[i].values[0].get<double>(), want_log[i]);
  doc["axes"][0]["range"] = {{"start", 10}, {"stop", 20}, {"points", 5}};
  points = ExpandSweep(Parse(doc));
  ASSERT_EQ(points.size(), 5u);
  for (int i = 0; i < 5; ++i) EXPECT_DOUBLE_EQ(points[i].values[0].get<double>(), 10 + 2.5 * i);
}

TEST(SweepExpandTest, SamplingIsDeterministicDistinctAndInsideTheProduct) {
  json doc = {{"base", SmallBase()},
              {"mode", "sample"},
              {"samples", 20},
              {"seed", 42},
              {"axes", {{{"path", "station.servers"}, {"range", {{"start", 1}, {"stop", 10}, {"step", 1}}}},
                        {{"path", "workload.arrival.rate_per_s"}, {"range", {{"start", 1}, {"stop", 10}, {"step", 1}}}}}}};
  const auto a = ExpandSweep(Parse(doc));
  const auto b = ExpandSweep(Parse(doc));
  ASSERT_EQ(a.size(), 20u);
  std::set<std::pair<int, int>> seen;
  for (std::size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].values, b[i].values);
    const int s = a[i].values[0].get<int>(), r = a[i].values[1].get<int>();
    EXPECT_TRUE(s >= 1 && s <= 10 && r >= 1 && r <= 10);
    EXPECT_TRUE(seen.insert({s, r}).second) << "point drawn twice";
  }
  doc["seed"] = 43;
  const auto c = ExpandSweep(Parse(doc));
  int same = 0;
  for (std::size_t i = 0; i < a.size(); ++i) same += a[i].values == c[i].values;
  EXPECT_LT(same, 5) << "another seed should draw other points";
}

TEST(SweepParseTest, ErrorsNameTheField) {
  const json axis = {{"path", "station.servers"}, {"values", {1}}};
  EXPECT_NE(ErrorOf({{"base", SmallBase()}, {"axes", {axis}}, {"axis", 1}}).find("axis: unknown field"), std::string::npos);
  EXPECT_NE(ErrorOf({{"base", SmallBase()}, {"axes", {{{"path", "station.servers"}, {"vales", {1}}}}}})
                .find("axes[0].vales: unknown field"), std::string::npos);
  EXPECT_NE(ErrorOf({{"base", SmallBase()}, {"axes", {{{"path", "station.servers"}, {"values", json::array()}}}}})
                .find("axes[0].values: is empty"), std::string::npos);
  EXPECT_NE(ErrorOf({{"base", SmallBase()}, {"axes", json::array()}}).find("axes: must be a non-empty list"), std::string::npos);
  EXPECT_NE(ErrorOf({{"base", SmallBase()}, {"axes", {{{"path", "a"}, {"range", {{"start", 1}, {"stop", 2}, {"step", 0}}}}}}})
                .find("axes[0].range.step: must be a number > 0"), std::string::npos);
  EXPECT_NE(ErrorOf({{"base", SmallBase()}, {"axes", {{{"path", "a"}, {"range", {{"start", 5}, {"stop", 2}, {"points", 2}}}}}}})
                .find("axes[0].range.stop: must be >= start"), std::string::npos);
  EXPECT_NE(ErrorOf({{"base", SmallBase()}, {"axes", {axis, axis}}}).find("axes[1].path: station.servers is already an axis"),
            std::string::npos);
  EXPECT_NE(ErrorOf({{"base", SmallBase()}, {"mode", "sample"}, {"samples", 2}, {"axes", {axis}}})
                .find("samples: must be at most the 1 points"), std::string::npos);
  EXPECT_NE(ErrorOf({{"axes", {axis}}}).find("base: missing"), std::string::npos);
}

// Too many points are refused at the axis that passes the bound, a range
// before its values are made, so a document of many long ranges never
// materialises them; a caller's smaller bound (the lab server's) likewise.
TEST(SweepParseTest, TooManyPointsAreRefusedAtTheAxisThatPassesTheBound) {
  json axes = json::array();
  for (int i = 0; i < 40; ++i) {
    axes.push_back({{"path", fmt::format("a{}", i)}, {"range", {{"start", 0}, {"stop", 1}, {"points", 4000}}}});
  }
  EXPECT_EQ(ErrorOf({{"base", SmallBase()}, {"axes", axes}}),
            "axes[1].range: gives 4000 values, which makes more than the sweep's 10000000 points");
  json small = {{"base", SmallBase()}, {"axes", {{{"path", "station.servers"}, {"values", {1, 2, 3}}},
                                                {{"path", "seed"}, {"range", {{"start", 1}, {"stop", 4}, {"step", 1}}}}}}};
  ASSERT_TRUE(ParseSweep(small, "", 12).ok());
  auto refused = ParseSweep(small, "", 11);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), Status::Code::kOutOfRange);
  EXPECT_EQ(refused.status().message(), "axes[1].range: gives 4 values, which makes more than the sweep's 11 points");
  small["axes"][1] = {{"path", "seed"}, {"values", {1, 2, 3, 4}}};
  EXPECT_EQ(ParseSweep(small, "", 11).status().message(), "axes: 12 points in all after axes[1], more than 11");
  small["mode"] = "sample";  // samples from the whole product, up to the bound
  small["samples"] = 11;
  EXPECT_TRUE(ParseSweep(small, "", 11).ok());
  small["samples"] = 12;
  EXPECT_EQ(ParseSweep(small, "", 11).status().message(), "samples: 12 points, more than the sweep's 11");
}

TEST(SweepParseTest, APointThatDoesNotParseFailsTheSweepNamingIt) {
  json doc = {{"base", SmallBase()}, {"axes", {{{"path", "station.servers"}, {"values", {1, 0}}}}}};
  auto outcome = RunSweep(Parse(doc), {});
  ASSERT_FALSE(outcome.ok());
  EXPECT_NE(outcome.status().message().find("point 1 (station.servers=0): station.servers"), std::string::npos)
      << outcome.status().message();
}

TEST(SweepParseTest, KeysChangeWithTheBaseAndTheValues) {
  json doc = {{"base", SmallBase()}, {"axes", {{{"path", "station.servers"}, {"values", {1, 2}}}}}};
  SweepSpec spec = Parse(doc);
  auto points = ExpandSweep(spec);
  const std::string k0 = PointKey(*PointDocument(spec, points[0]));
  EXPECT_NE(k0, PointKey(*PointDocument(spec, points[1])));
  spec.base["seed"] = 4;
  EXPECT_NE(k0, PointKey(*PointDocument(spec, points[0])));
  EXPECT_EQ(k0.size(), 16u);
}

}  // namespace
}  // namespace fleetlab
