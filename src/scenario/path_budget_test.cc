// A path's size is bounded whatever the document (parse_scope.h): a few
// hundred bytes of fan-outs nested three deep with "repeat": 64 expanded to
// 262,144 stations (36 s and 1.8 GB to run), four deep to 16.7 million
// (the lab server ran out of memory). Each link, pool and fan-out, each
// repeat's copy included, draws on one budget of 4,096 per path, and the
// copies of station models on the scenario's budget of batch sizes.
#include <string>

#include <gtest/gtest.h>

#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

json Pool() { return {{"replicas", 1}, {"station", {{"service", {{"distribution", "exponential"}, {"mean_ms", 1}}}}}}; }

// One fan-out whose one branch, repeated 64 times, is a sub-path of one
// fan-out over `pools` pools: 1 + 64 x (1 + pools) members.
json Nested(int pools) {
  json inner = json::array();
  for (int i = 0; i < pools; ++i) inner.push_back(Pool());
  json branch = {{"repeat", 64}, {"stages", {{{"fanout", {{"branches", inner}}}}}}};
  return {{"workload", {{"requests", 20}, {"warmup_requests", 2}}},
          {"path", {{"stages", {{{"fanout", {{"branches", {branch}}}}}}}}}};
}

std::string ErrorOf(const json& doc) {
  auto s = ParseScenario(doc, "");
  return s.ok() ? "" : s.status().message();
}

TEST(PathBudgetTest, APathHoldsAtMost4096LinksPoolsAndFanouts) {
  EXPECT_EQ(ErrorOf(Nested(62)), "");  // 1 + 64 x 63 = 4,033
  EXPECT_EQ(ErrorOf(Nested(63)),       // 1 + 64 x 64 = 4,097
            "path.stages[0].fanout.branches[0].repeat: 64 copies of 64 links, pools and fan-outs exceed what a path "
            "may hold (4096 in all, repeats and sub-paths counted; 4031 left here)");
}

TEST(PathBudgetTest, NestedRepeatsAreRefusedBeforeTheyAreCopied) {
  json stage = {{"pool", Pool()}};
  for (int depth = 0; depth < 4; ++depth) {  // a fan-out of 64 copies of the level below
    stage = {{"fanout", {{"branches", {{{"repeat", 64}, {"stages", {stage}}}}}}}};
  }
  const json doc = {{"workload", {{"requests", 20}, {"warmup_requests", 2}}}, {"path", {{"stages", {stage}}}}};
  EXPECT_LT(doc.dump().size(), 700u);
  // The second level would be 64 copies of a fan-out over 64 pools.
  EXPECT_EQ(ErrorOf(doc),
            "path.stages[0].fanout.branches[0].stages[0].fanout.branches[0].stages[0].fanout.branches[0].repeat: 64 "
            "copies of 65 links, pools and fan-outs exceed what a path may hold (4096 in all, repeats and sub-paths "
            "counted; 4028 left here)");
}

TEST(PathBudgetTest, RepeatedStationModelsDrawOnTheScenariosBatchSizes) {
  json pool = {{"replicas", 1},
               {"repeat", 64},
               {"station", {{"batching", {{"max_batch", 8192}}},
                            {"model", {{"model", "rnnoise"}, {"device", "h200"}, {"dtype", "int8"}}}}}};
  const json doc = {{"workload", {{"requests", 20}, {"warmup_requests", 2}}},
                    {"path", {{"stages", {{{"fanout", {{"branches", {pool}}}}}}}}}};
  EXPECT_EQ(ErrorOf(doc),
            "path.stages[0].fanout.branches[0].repeat: 64 copies of station models pricing 8192 batch sizes exceed "
            "the 262144 a scenario may price in all (253952 left here)");
  pool["repeat"] = 32;  // 32 x 8,192 = 262,144: exactly the budget
  EXPECT_EQ(ErrorOf({{"workload", {{"requests", 20}, {"warmup_requests", 2}}},
                     {"path", {{"stages", {{{"fanout", {{"branches", {pool}}}}}}}}}}),
            "");
}

}  // namespace
}  // namespace fleetlab
