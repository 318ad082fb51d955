// The catalog's non-LLM models, edge devices and radio links: sizes
// computed from the shapes against published counts, the power and link
// fields, and the loader's errors for them.
#include <cmath>

#include <gtest/gtest.h>

#include "fleetlab/llm/catalog.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

using test::Shipped;

const ModelSpec& Model(const std::string& id) {
  const ModelSpec* m = Shipped().FindModel(id);
  EXPECT_NE(m, nullptr) << id;
  return *m;
}

double Macs(const ModelSpec& m) {
  double sum = 0;
  for (const auto& l : m.layer_list) sum += l.macs;
  return sum;
}

// ViT-B/16 by hand (h = 768, f = 3072, 12 layers, 16x16 patches of 224x224x3):
// layer = qkv 768*2304+2304 + proj 768*768+768 + fc1 768*3072+3072
//         + fc2 3072*768+768 + 2 norms 4*768 = 7,087,872;
// embedding = 768*768+768 (conv) + 768 (class token) + 197*768 (positions)
//           = 742,656; head = 2*768 + 768*1000+1000 = 770,536;
// total 12*7,087,872 + 742,656 + 770,536 = 86,567,656 = torchvision's
// ViT_B_16 num_params. ViT-L/16 likewise: 304,326,632.
TEST(CatalogEdgeTest, VisionTransformerCountsMatchTorchvision) {
  const ModelSpec& b = Model("vit-b-16");
  EXPECT_TRUE(b.IsEncoder());
  EXPECT_EQ(b.EncoderTokens(), 197);
  EXPECT_EQ(b.head_dim, 64);
  EXPECT_EQ(b.EncoderLayerParams(), 7087872);
  EXPECT_EQ(b.EncoderEmbeddingParams(), 742656);
  EXPECT_EQ(b.EncoderHeadParams(), 770536);
  EXPECT_EQ(b.TotalParams(), 86567656);
  EXPECT_EQ(b.KvBytesPerToken(DType::kBf16).value(), 0);  // no KV cache
  EXPECT_EQ(Model("vit-l-16").TotalParams(), 304326632);
  EXPECT_EQ(Model("vit-l-16").EncoderTokens(), 197);
}

// ResNet-18 (torchvision: 11,689,512 parameters, "1.81 GFLOPS" = MACs).
// MACs by hand: conv1 7*7*3*64*112^2 = 118,013,952; layer1 4 convs of
// 9*64*64*56^2 = 462,422,016; layers 2-4 each 57,802,752 + 3*115,605,504 +
// 6,422,528 (downsample) = 411,041,792; fc 512,000. Sum 1,814,073,344.
TEST(CatalogEdgeTest, ResNet18LayerListMatchesTorchvision) {
  const ModelSpec& m = Model("resnet-18");
  EXPECT_TRUE(m.IsLayerList());
  ASSERT_EQ(m.layers, 12);
  EXPECT_EQ(m.TotalParams(), 11689512);
  EXPECT_DOUBLE_EQ(Macs(m), 1814073344.0);
  EXPECT_DOUBLE_EQ(m.layer_list[0].macs, 118013952.0);
  EXPECT_EQ(m.layer_list[0].out_elements, 64 * 112 * 112);
  EXPECT_EQ(m.layer_list[1].out_elements, 64 * 56 * 56);  // max pool 3x3 stride 2
  EXPECT_EQ(m.layer_list[4].params, 73728 + 256 + 147456 + 256 + 8192 + 256);  // layer2.0 with downsample
  EXPECT_EQ(m.layer_list[10].out_elements, 512);  // global average pool
}

// RNNoise: Keras GRU = 3 (in*u + u*u + u). 42*24+24 + 3*(24*24+24*24+24) +
// 25 + 3*(90*48+48*48+48) + 3*(114*96+96*96+96) + 96*22+22 = 87,503, the
// paper's weight count. DTLN: LSTM = 4 (in*u + u*u + u):
// 197,632 + 131,584 + 33,153 + 131,072 + 512 + 197,120 + 131,584 + 33,024
// + 131,072 = 986,753 ("less than one million").
TEST(CatalogEdgeTest, AudioNetworksCountTheirWeights) {
  const ModelSpec& rnnoise = Model("rnnoise");
  EXPECT_EQ(rnnoise.TotalParams(), 87503);
  EXPECT_DOUBLE_EQ(Macs(rnnoise), 1008 + 3456 + 24 + 19872 + 60480 + 2112);
  EXPECT_EQ(rnnoise.layer_list[3].state_elements, 48);
  const ModelSpec& dtln = Model("dtln");
  EXPECT_EQ(dtln.TotalParams(), 986753);
  EXPECT_EQ(dtln.layer_list[0].state_elements, 256);  // LSTM keeps h and c
  EXPECT_EQ(dtln.layer_list[3].in_elements, 512);     // core 2 reads the 512-sample frame
}

TEST(CatalogEdgeTest, EdgeDevicesCarryPowerAndMemoryLimits) {
  const GpuSpec* mcu = Shipped().FindGpu("m55-ethos-u55");
  ASSERT_NE(mcu, nullptr);
  EXPECT_EQ(mcu->device_class, "mcu");
  EXPECT_DOUBLE_EQ(mcu->sram_bytes, 512.0 * 1024);
  EXPECT_DOUBLE_EQ(mcu->FitBytes(), 524288.0);
  EXPECT_NEAR(*mcu->PeakFlops(DType::kInt8), 128 * 2 * 160e6, 1e-3);  // 128 MACs at 160 MHz
  EXPECT_DOUBLE_EQ(mcu->ActivePowerW(), 0.025);
  EXPECT_DOUBLE_EQ(mcu->wakeup_energy_j, 1e-6);
  EXPECT_TRUE(mcu->host_link.empty());
  const GpuSpec* orin = Shipped().FindGpu("jetson-agx-orin-64gb");
  ASSERT_NE(orin, nullptr);
  EXPECT_DOUBLE_EQ(*orin->PeakFlops(DType::kInt8), 85e12);  // 170 sparse TOPS / 2
  EXPECT_DOUBLE_EQ(orin->memory_bandwidth_Bps, 204.8e9);
  const GpuSpec* h100 = Shipped().FindGpu("h100-sxm");
  EXPECT_EQ(h100->device_class, "datacenter-gpu");
  EXPECT_DOUBLE_EQ(h100->ActivePowerW(), 700);  // no active figure: the TDP
  EXPECT_DOUBLE_EQ(h100->FitBytes(), 80e9);
  for (const char* id : {"a17-pro", "l4", "raspberry-pi-5"}) EXPECT_NE(Shipped().FindGpu(id), nullptr) << id;
}

// Lognormal alpha: sigma = ln(p99 / median) / 2.3263479; the draw z at the
// normal's 99th percentile gives the P99 back, z = 0 the median.
TEST(CatalogEdgeTest, LinkJitterIsLognormalWithMedianAndP99) {
  const LinkSpec* wifi = Shipped().FindLink("wifi6");
  ASSERT_NE(wifi, nullptr);
  EXPECT_DOUBLE_EQ(wifi->latency_s, 2e-3);
  EXPECT_DOUBLE_EQ(wifi->latency_p99_s, 10e-3);
  EXPECT_NEAR(wifi->LatencyLogSigma(), std::log(5.0) / 2.3263478740408408, 1e-12);
  EXPECT_NEAR(wifi->LatencyFor(2.3263478740408408), 10e-3, 1e-12);
  EXPECT_DOUBLE_EQ(wifi->LatencyFor(0), 2e-3);
  const double sigma = std::log(5.0) / 2.3263478740408408;
  EXPECT_NEAR(wifi->LatencyMean(), 2e-3 * std::exp(sigma * sigma / 2), 1e-15);
  EXPECT_DOUBLE_EQ(wifi->loss_rate, 0.001);
  EXPECT_DOUBLE_EQ(wifi->energy_per_byte_j, 10e-9);
  // Links without a p99 have no jitter, no loss, no radio energy.
  const LinkSpec* nvlink = Shipped().FindLink("nvlink4");
  EXPECT_DOUBLE_EQ(nvlink->latency_p99_s, nvlink->latency_s);
  EXPECT_DOUBLE_EQ(nvlink->LatencyLogSigma(), 0);
  EXPECT_DOUBLE_EQ(nvlink->LatencyFor(3.0), nvlink->latency_s);
  EXPECT_DOUBLE_EQ(nvlink->loss_rate, 0);
  for (const char* id : {"5g-nr-mec", "ble-audio-lc3", "auto-eth-1000base-t1", "auto-eth-10gbase-t1", "ethernet-1g"}) {
    EXPECT_NE(Shipped().FindLink(id), nullptr) << id;
  }
}

}  // namespace
}  // namespace fleetlab
