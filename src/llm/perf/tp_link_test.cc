// The tensor-parallel traffic the report states, against hand arithmetic
// (ring all-reduce 2(n-1)/n x S per rank, Patarasuk and Yuan 2009; Megatron-LM,
// Shoeybi et al. 2019: two per layer).
// Llama-3-70B, bf16 activations, hidden 8192, 80 layers, TP8 PP1:
// weight-stationary, each GPU sends 80 x 2 x 2(7/8) x 8192 x 2 B = 4,587,520 B
// per token. Weight-gathered, it sends 7/8 of every layer's weights per
// iteration, however few the tokens: far more at a light load.
#include <gtest/gtest.h>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"

namespace fleetlab {
namespace {

nlohmann::json RunPart2(std::vector<std::string> sets) {
  sets.push_back("replica.tp=8");
  sets.push_back("replica.pp=1");
  auto s = LoadScenario(DefaultTracksDir() + "/cloud-titan/part2.json", sets);
  EXPECT_TRUE(s.ok()) << s.status().message();
  auto r = RunScenario(*s);
  EXPECT_TRUE(r.ok());
  return ReportToJson(*r);
}

TEST(TpLinkTest, WeightStationaryBytesPerTokenAreTheAllReducesOfEveryLayer) {
  const nlohmann::json r = RunPart2({});
  EXPECT_DOUBLE_EQ(r["tp_link"]["bytes_per_token"].get<double>(), 80 * 2 * 2.0 * 7 / 8 * 8192 * 2);
  EXPECT_EQ(r["tp_link"]["layout"], "weight_stationary");
  EXPECT_GT(r["tp_link"]["busy_fraction"].get<double>(), 0);
  EXPECT_LT(r["tp_link"]["busy_fraction"].get<double>(), 1);
  EXPECT_EQ(r["cost"]["gpus"], 8);
}

TEST(TpLinkTest, WeightGatherSendsTheWeightsEveryIteration) {
  const nlohmann::json stationary = RunPart2({}), gathered = RunPart2({"replica.weight_gathered=true"});
  EXPECT_EQ(gathered["tp_link"]["layout"], "weight_gathered");
  // A light load has few tokens per iteration: the weights (141 GB x 7/8 per pass) dwarf the activations.
  EXPECT_GT(gathered["tp_link"]["bytes_per_token"].get<double>(), 20 * stationary["tp_link"]["bytes_per_token"].get<double>());
  // It holds one gathered layer more in its workspace.
  EXPECT_GT(gathered["replica"]["memory"]["activation_gb_per_gpu"].get<double>(),
            stationary["replica"]["memory"]["activation_gb_per_gpu"].get<double>());
}

}  // namespace
}  // namespace fleetlab
