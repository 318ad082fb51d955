// Parsing the "disaggregation" object: what it sets, and errors that name
// the field's path and the allowed values.
#include <variant>

#include <gtest/gtest.h>

#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

json Valid() {
  return json::parse(R"({"disaggregation": {
    "prefill": {"replicas": 2, "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 4},
                "router": {"policy": "least_outstanding"}},
    "decode": {"replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8}},
    "link": "infiniband-ndr", "lanes": 4}})");
}

std::string ErrorOf(const json& doc) {
  auto s = ParseScenario(doc, "");
  return s.ok() ? "" : s.status().message();
}

TEST(DisaggParseTest, ReadsBothPoolsAndTheLink) {
  auto s = ParseScenario(Valid(), "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  const auto* pools = std::get_if<DisaggregatedPools>(&s->system);
  ASSERT_TRUE(pools);
  EXPECT_TRUE(s->llm());
  EXPECT_FALSE(s->replica());
  const DisaggregationOptions& d = pools->disaggregation;
  EXPECT_EQ(d.prefill.replicas, 2u);
  EXPECT_EQ(d.prefill.replica.hardware.tp, 4);
  EXPECT_EQ(d.prefill.router.policy, RouterPolicy::kLeastOutstanding);
  EXPECT_EQ(d.decode.replicas, 1u);
  EXPECT_EQ(d.decode.replica.hardware.tp, 8);
  EXPECT_EQ(d.decode.router.policy, RouterPolicy::kRoundRobin);
  EXPECT_EQ(d.link.link.id, "infiniband-ndr");
  EXPECT_DOUBLE_EQ(d.link.link.bandwidth_Bps, 50e9);
  EXPECT_EQ(d.link.lanes, 4u);
}

TEST(DisaggParseTest, TheLinkDefaultsToThePrefillGpusScaleUpLink) {
  json doc = Valid();
  doc["disaggregation"].erase("link");
  doc["disaggregation"].erase("lanes");
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  const DisaggregationOptions& d = std::get<DisaggregatedPools>(s->system).disaggregation;
  EXPECT_EQ(d.link.link.id, "nvlink4");
  EXPECT_EQ(d.link.lanes, 1u);
}

TEST(DisaggParseTest, ErrorsNameThePath) {
  json doc = Valid();
  doc["disaggregation"]["lanes"] = 0;
  EXPECT_EQ(ErrorOf(doc), "disaggregation.lanes: must be an integer between 1 and 1024 (got 0)");
  doc = Valid();
  doc["disaggregation"]["link"] = "carrier-pigeon";
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.link: unknown link \"carrier-pigeon\"; known: ", 0), 0u) << ErrorOf(doc);
  doc = Valid();
  doc["disaggregation"]["decode"]["replica"]["tp"] = 0;
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.decode.replica.tp: ", 0), 0u) << ErrorOf(doc);
  doc = Valid();
  doc["disaggregation"]["prefill"]["router"]["policy"] = "fastest";
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.prefill.router.policy: ", 0), 0u) << ErrorOf(doc);
  doc = Valid();
  doc["disaggregation"]["prefill"]["replicas"] = 0;
  EXPECT_EQ(ErrorOf(doc), "disaggregation.prefill.replicas: must be an integer between 1 and 10000 (got 0)");
  doc = Valid();
  doc["disaggregation"]["decode"]["colour"] = "blue";
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.decode.colour: ", 0), 0u) << ErrorOf(doc);
}

TEST(DisaggParseTest, MissingPartsAreNamed) {
  json doc = Valid();
  doc["disaggregation"].erase("decode");
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.decode: missing", 0), 0u) << ErrorOf(doc);
  doc = Valid();
  doc["disaggregation"]["prefill"].erase("replica");
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.prefill.replica: missing", 0), 0u) << ErrorOf(doc);
  doc = Valid();
  doc["disaggregation"]["prefill"]["replica"].erase("gpu");
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.prefill.replica: needs \"model\"", 0), 0u) << ErrorOf(doc);
}

TEST(DisaggParseTest, ThePoolsMustServeTheSameModelAndKvType) {
  json doc = Valid();
  doc["disaggregation"]["decode"]["replica"]["model"] = "llama-3-8b";
  EXPECT_EQ(ErrorOf(doc), "disaggregation.decode.replica.model: must be the prefill pool's model \"llama-3-70b\" "
                          "(got \"llama-3-8b\")");
  doc = Valid();
  doc["disaggregation"]["decode"]["replica"]["dtype"] = {{"kv", "fp8"}};
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.decode.replica.dtype.kv: must be the prefill pool's KV type \"bf16\"", 0),
            0u) << ErrorOf(doc);
  doc = Valid();
  doc["disaggregation"]["prefill"]["replica"]["speculative"] = json::object();
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.prefill.replica.speculative: ", 0), 0u) << ErrorOf(doc);
}

TEST(DisaggParseTest, ExclusiveWithReplicaFleetAndStation) {
  for (const char* other : {"replica", "fleet", "station"}) {
    json doc = Valid();
    doc[other] = json::object();
    if (std::string(other) == "replica") doc[other] = {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}};
    EXPECT_EQ(ErrorOf(doc).rfind(std::string(other) + ": not allowed beside \"disaggregation\"", 0), 0u)
        << other << ": " << ErrorOf(doc);
  }
}

}  // namespace
}  // namespace fleetlab

namespace fleetlab {
namespace {

TEST(DisaggParseTest, PathsInsideMessagesAreRenamedToo) {
  json doc = Valid();
  doc["disaggregation"]["decode"]["router"] = {{"count_own_sends", true}};
  EXPECT_EQ(ErrorOf(doc).rfind("disaggregation.decode.router.count_own_sends: applies only when "
                               "disaggregation.decode.router.report_interval_ms > 0", 0), 0u) << ErrorOf(doc);
}

}  // namespace
}  // namespace fleetlab
