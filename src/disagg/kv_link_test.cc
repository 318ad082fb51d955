// The KV link: hand-computed transfer times, FIFO queueing on its lanes,
// and its utilisation.
#include "disagg/kv_link.h"

#include <vector>

#include <gtest/gtest.h>

#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

// Records when each transfer arrived.
class Arrivals final : public KvLinkSink {
 public:
  void OnTransferred(Simulator& sim, const Request& r, std::uint32_t source) override {
    times.push_back(sim.now());
    ids.push_back(r.id);
    sources.push_back(source);
  }
  std::vector<SimTime> times;
  std::vector<std::uint64_t> ids;
  std::vector<std::uint32_t> sources;
};

KvLinkOptions NvLink4(std::uint32_t lanes) {
  KvLinkOptions o;
  o.link = *test::Shipped().FindLink("nvlink4");
  o.lanes = lanes;
  return o;
}

// Llama-3-8B's KV: 2 (K, V) x 32 layers x 8 KV heads x 128 x 2 bytes
// (bf16) = 131072 bytes per token; a 1024-token prompt is 134217728 bytes.
constexpr double kPromptBytes = 1024.0 * 131072.0;

TEST(KvLinkTest, OneTransferTakesAlphaPlusBytesOverBandwidth) {
  const KvLinkOptions o = NvLink4(1);
  ASSERT_DOUBLE_EQ(o.link.bandwidth_Bps, 450e9);  // data/links/nvlink4.json
  ASSERT_DOUBLE_EQ(o.link.latency_s, 1.5e-6);
  EXPECT_DOUBLE_EQ(test::Shipped().FindModel("llama-3-8b")->KvBytesPerToken(DType::kBf16).value() * 1024.0,
                   kPromptBytes);
  Simulator sim;
  Arrivals sink;
  KvLink link(o, &sink);
  link.Attach(sim);
  Request r;
  r.id = 7;
  // 134217728 B / 450e9 B/s = 298261.6 ns, rounded to 298262; + 1500 ns.
  EXPECT_EQ(link.Send(sim, r, 3, kPromptBytes), 299762);
  EXPECT_EQ(link.in_flight(), 1u);
  sim.Run();
  ASSERT_EQ(sink.times.size(), 1u);
  EXPECT_EQ(sink.times[0], 299762);
  EXPECT_EQ(sink.ids[0], 7u);
  EXPECT_EQ(sink.sources[0], 3u);
  EXPECT_EQ(link.in_flight(), 0u);
  KvLinkReport rep;
  link.Fill(sim.now(), &rep);
  EXPECT_EQ(rep.transfers, 1u);
  EXPECT_NEAR(rep.transfer_ms.mean, 0.299762, 1e-9);
  EXPECT_EQ(rep.wait_ms.mean, 0);
  // Busy for the serialisation only, not alpha: 298262 of 299762 ns.
  EXPECT_NEAR(rep.utilization, 298262.0 / 299762.0, 1e-12);
}

TEST(KvLinkTest, SimultaneousTransfersQueueOnOneLane) {
  Simulator sim;
  Arrivals sink;
  KvLink link(NvLink4(1), &sink);
  link.Attach(sim);
  Request a, b;
  a.id = 1;
  b.id = 2;
  // The second waits for the first's serialisation (298262 ns), not its
  // alpha, which overlaps.
  EXPECT_EQ(link.Send(sim, a, 0, kPromptBytes), 299762);
  EXPECT_EQ(link.Send(sim, b, 0, kPromptBytes), 2 * 298262 + 1500);
  sim.Run();
  ASSERT_EQ(sink.ids, (std::vector<std::uint64_t>{1, 2}));
  KvLinkReport rep;
  link.Fill(sim.now(), &rep);
  EXPECT_EQ(rep.wait_probability, 0.5);
  EXPECT_NEAR(rep.wait_ms.max, 0.298262, 1e-9);
  EXPECT_NEAR(rep.transfer_ms.max, (2 * 298262 + 1500) * 1e-6, 1e-9);
}

TEST(KvLinkTest, SecondLaneCarriesTheSecondTransferAtOnce) {
  Simulator sim;
  Arrivals sink;
  KvLink link(NvLink4(2), &sink);
  link.Attach(sim);
  Request a, b, c;
  a.id = 1, b.id = 2, c.id = 3;
  EXPECT_EQ(link.Send(sim, a, 0, kPromptBytes), 299762);
  EXPECT_EQ(link.Send(sim, b, 1, kPromptBytes), 299762);
  EXPECT_EQ(link.Send(sim, c, 0, kPromptBytes), 2 * 298262 + 1500);  // both lanes busy: waits for lane 0
  sim.Run();
  KvLinkReport rep;
  link.Fill(sim.now(), &rep);
  EXPECT_EQ(rep.lanes, 2u);
  // Three serialisations on two lanes over 2 x 298262 + 1500 ns.
  EXPECT_NEAR(rep.utilization, 3.0 * 298262 / (2.0 * (2 * 298262 + 1500)), 1e-12);
}

TEST(KvLinkTest, OnlyMeasuredRequestsCountInTheLatencies) {
  Simulator sim;
  Arrivals sink;
  KvLink link(NvLink4(1), &sink);
  link.Attach(sim);
  Request warm;
  warm.measured = false;
  link.Send(sim, warm, 0, kPromptBytes);
  sim.Run();
  KvLinkReport rep;
  link.Fill(sim.now(), &rep);
  EXPECT_EQ(rep.transfer_ms.count, 0u);
  EXPECT_EQ(rep.transfers, 1u);  // the link was busy all the same
}

}  // namespace
}  // namespace fleetlab
