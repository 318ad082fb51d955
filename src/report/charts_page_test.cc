#include "fleetlab/report/charts_page.h"

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

using nlohmann::json;

// Cost (x) against latency (y), lower better on both. By hand: A (1, 9) is
// cheapest; B (2, 5) beats it on latency; C (3, 6) is beaten by B on both;
// D (4, 2) is faster than B; E (5, 2) ties D's latency at a higher cost;
// F has no latency (an unstable row) and G a cost of 0 (off a log axis).
TEST(ChartsPageTest, ParetoFrontByHand) {
  const json points = json::parse(R"([
    {"c": 1, "l": 9}, {"c": 2, "l": 5}, {"c": 3, "l": 6}, {"c": 4, "l": 2}, {"c": 5, "l": 2},
    {"c": 0.5, "l": null}, {"c": 0, "l": 1}])");
  ScatterChart cost{"t", "c", "c", "l", "cost", "latency", true, false, false};
  EXPECT_EQ(ParetoFront(points, cost), (std::vector<std::size_t>{0, 1, 3}));
  cost.x_log = false;  // on a linear axis G (0, 1) is the cheapest and the fastest: the whole front
  EXPECT_EQ(ParetoFront(points, cost), (std::vector<std::size_t>{6}));
  // Throughput (more is better) against latency: E (5, 2) serves the most
  // at the least latency; D ties it on latency with less.
  ScatterChart throughput{"t", "c", "c", "l", "tokens/s", "latency", true, false, true};
  EXPECT_EQ(ParetoFront(points, throughput), (std::vector<std::size_t>{4}));
}

// The page carries its data and renderer inline (no script or style is
// fetched), and a name cannot close the data block.
TEST(ChartsPageTest, SelfContainedAndEscaped) {
  const json points = json::parse(R"([{"name": "</script><script>alert(1)</script>", "x": 1, "y": 2},
                                      {"name": "b", "x": 2, "y": 1}])");
  const std::string page =
      ChartsPage("t <1>", "sub", points, {{"chart", "cap", "x", "y", "x", "y", false, false, false}}, {"name", "x"});
  EXPECT_EQ(page.find("<script src"), std::string::npos);
  EXPECT_EQ(page.find("<link"), std::string::npos);
  EXPECT_EQ(page.find("https://"), std::string::npos);
  EXPECT_EQ(page.find("alert(1)</script>"), std::string::npos);
  EXPECT_NE(page.find("\\u003c/script>\\u003cscript>alert(1)"), std::string::npos);
  EXPECT_NE(page.find("<title>t &lt;1&gt;</title>"), std::string::npos);
  EXPECT_NE(page.find("\"front\":[0,1]"), std::string::npos) << "both points are on the front";
}

}  // namespace
}  // namespace fleetlab
