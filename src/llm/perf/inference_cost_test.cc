// EstimateInference against hand-computed cases. A hand-built device makes
// the arithmetic visible: 1e9 int8 OP/s, 1e9 B/s, every efficiency 1.
// A hand-built two-layer list:
//   A: 1,000 MACs, 500 params, 100 in, 50 out  -> 2,000 FLOPs = 2 us compute,
//      500 + 150 = 650 B = 0.65 us memory: compute bound, 2 us.
//   B: 10 MACs, 2,000 params, 50 in, 10 out    -> 20 FLOPs = 0.02 us,
//      2,000 + 60 = 2,060 B = 2.06 us: memory bound, 2.06 us.
// Tolerances: 1e-9 relative where the expectation is the formula by hand.
#include "fleetlab/llm/inference_cost.h"

#include <cmath>
#include <memory>

#include <gtest/gtest.h>

#include "llm/perf/attention_cost.h"

#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

using test::Shipped;

void ExpectRel(double actual, double expected, double rel = 1e-9) {
  EXPECT_NEAR(actual, expected, std::abs(expected) * rel) << "expected " << expected;
}

const ModelSpec& Model(const std::string& id) { return *Shipped().FindModel(id); }
const GpuSpec& Device(const std::string& id) { return *Shipped().FindGpu(id); }

PerfEfficiency Ideal() { return PerfEfficiency{1.0, 1.0, 1.0, 1.0}; }

GpuSpec HandDevice() {
  GpuSpec d;
  d.id = "hand";
  d.peak_flops[DType::kInt8] = 1e9;
  d.memory_bytes = 1e6;
  d.memory_bandwidth_Bps = 1e9;
  d.power_w = 3;
  d.active_power_w = 2;
  d.idle_power_w = 0.5;
  return d;
}

LayerSpec Layer(const char* name, double macs, std::int64_t params, std::int64_t in, std::int64_t out) {
  LayerSpec l;
  l.name = name;
  l.kind = "custom";
  l.macs = macs;
  l.params = params;
  l.in_elements = in;
  l.out_elements = out;
  l.live_elements = in + out;
  return l;
}

ModelSpec TwoLayers() {
  ModelSpec m;
  m.id = "two";
  m.architecture = "layers";
  m.layer_list = {Layer("A", 1000, 500, 100, 50), Layer("B", 10, 2000, 50, 10)};
  m.layers = 2;
  return m;
}

InferenceCost Estimate(const ModelSpec& m, const GpuSpec& d, const InferenceShape& s, const LinkSpec* link = nullptr,
                       const PerfEfficiency& eff = Ideal()) {
  auto c = EstimateInference(m, d, link, s, eff);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() ? *c : InferenceCost{};
}

std::string ErrorOf(const ModelSpec& m, const GpuSpec& d, const InferenceShape& s, const LinkSpec* link = nullptr) {
  auto c = EstimateInference(m, d, link, s, Ideal());
  return c.ok() ? "" : c.status().message();
}

TEST(InferenceCostTest, LayerListSumsTheRooflineOfEachLayer) {
  const InferenceCost c = Estimate(TwoLayers(), HandDevice(), InferenceShape{});
  ExpectRel(c.compute_s, 2e-6);
  ExpectRel(c.memory_s, 2.06e-6);
  ExpectRel(c.seconds, 4.06e-6);
  EXPECT_DOUBLE_EQ(c.comm_s + c.overhead_s, 0);
  ExpectRel(c.flops, 2020);
  ExpectRel(c.bytes_moved, 650 + 2060);
  ExpectRel(c.weight_bytes_per_device, 2500);
  ExpectRel(c.activation_bytes_peak, 150);  // layer A's input + output
  ExpectRel(c.boundary_bytes, 10);          // the model's output
  ExpectRel(c.input_bytes, 100);
  EXPECT_TRUE(c.fits);
  ExpectRel(c.energy_j, 2.0 * 4.06e-6);  // active power x time
}

TEST(InferenceCostTest, BatchScalesComputeAndActivationsNotWeights) {
  InferenceShape s;
  s.batch = 4;
  const InferenceCost c = Estimate(TwoLayers(), HandDevice(), s);
  // A: 8,000 FLOPs = 8 us vs 500 + 600 B; B: 80 FLOPs vs 2,000 + 240 B = 2.24 us.
  ExpectRel(c.compute_s, 8e-6);
  ExpectRel(c.memory_s, 2.24e-6);
  ExpectRel(c.weight_bytes_per_device, 2500);
  ExpectRel(c.boundary_bytes, 40);
}

TEST(InferenceCostTest, EnergyIsActivePowerTimesTimeOrPerOpEnergies) {
  GpuSpec d = HandDevice();
  d.power_w = 7;
  d.active_power_w = 0;  // no active figure: the device's power_w
  ExpectRel(Estimate(TwoLayers(), d, InferenceShape{}).energy_j, 7 * 4.06e-6);
  d.energy_per_flop_j = 1e-12;
  d.energy_per_byte_j = 10e-12;
  // 2,020 FLOPs x 1 pJ + 2,710 B x 10 pJ + idle 0.5 W x 4.06 us.
  ExpectRel(Estimate(TwoLayers(), d, InferenceShape{}).energy_j, 2020e-12 + 27100e-12 + 0.5 * 4.06e-6);
}

TEST(InferenceCostTest, PipelineAddsTheTransferAndIdlesTheOtherStage) {
  LinkSpec link;
  link.bandwidth_Bps = 1e6;
  link.latency_s = 1e-4;
  InferenceShape s;
  s.pp = 2;
  const InferenceCost c = Estimate(TwoLayers(), HandDevice(), s, &link);
  const double transfer = 50 / 1e6 + 1e-4;  // B's 50-byte input over the link, + alpha
  ExpectRel(c.pp_comm_s, transfer);
  ExpectRel(c.seconds, 4.06e-6 + transfer);
  ExpectRel(c.stage_s, 2.06e-6);
  ExpectRel(c.weight_bytes_per_device, 2000);
  EXPECT_EQ(c.devices, 2);
  const double t = c.seconds;
  ExpectRel(c.energy_j, (2 * 2e-6 + 0.5 * (t - 2e-6)) + (2 * 2.06e-6 + 0.5 * (t - 2.06e-6)));
}

TEST(InferenceCostTest, TensorParallelSplitsWorkAndGathersOutputs) {
  LinkSpec link;
  link.bandwidth_Bps = 1e6;
  link.latency_s = 1e-4;
  InferenceShape s;
  s.tp = 2;
  const InferenceCost c = Estimate(TwoLayers(), HandDevice(), s, &link);
  // A: 1,000 FLOPs = 1 us per device; B: 1,030 B = 1.03 us. All-gathers of
  // 50 and 10 bytes over 2 ranks: (1/2) x bytes / 1e6 + alpha each.
  ExpectRel(c.compute_s, 1e-6);
  ExpectRel(c.memory_s, 1.03e-6);
  ExpectRel(c.comm_s, 25e-6 + 1e-4 + 5e-6 + 1e-4);
  ExpectRel(c.flops, 2020);
  ExpectRel(c.weight_bytes_per_device, 1250);
}

TEST(InferenceCostTest, SplitReportsBoundaryBytes) {
  InferenceShape s;
  s.last_layer = 1;  // run A only
  const InferenceCost c = Estimate(TwoLayers(), HandDevice(), s);
  ExpectRel(c.seconds, 2e-6);
  ExpectRel(c.boundary_bytes, 50);  // B's input, to ship to the next device
  s.first_layer = 1;
  s.last_layer = -1;
  const InferenceCost rest = Estimate(TwoLayers(), HandDevice(), s);
  ExpectRel(rest.input_bytes, 50);
  ExpectRel(rest.seconds, 2.06e-6);
  // ResNet-18 cut after layer2.1 (index 5): layer3.0's input 128 x 28 x 28, int8, batch 4.
  EXPECT_DOUBLE_EQ(*ActivationBytesAfter(Model("resnet-18"), 5, DType::kInt8), 100352);
  InferenceShape r;
  r.batch = 4;
  r.last_layer = 6;
  ExpectRel(Estimate(Model("resnet-18"), Device("jetson-agx-orin-64gb"), r).boundary_bytes, 4 * 100352.0);
  // ViT-B/16 cut between transformer layers: 197 tokens x 768 x 2 B (fp16).
  EXPECT_DOUBLE_EQ(*ActivationBytesAfter(Model("vit-b-16"), 5, DType::kFp16), 197 * 768 * 2);
  EXPECT_EQ(LayerCount(Model("vit-b-16")), 12);
  EXPECT_EQ(ActivationBytesAfter(Model("vit-b-16"), 12, DType::kFp16).status().message(),
            "layer: must be in [0, 12) for vit-b-16 (got 12)");
}

// ViT-B/16 per 224x224 image: 12 x 197 x 7,077,888 linear MACs
// (16,732,127,232) + 12 x 2 x 197^2 x 768 attention MACs (715,327,488) +
// 196 x 768 x 768 patch MACs (115,605,504) + 768 x 1000 head MACs (768,000)
// = 17,563,828,224 MACs; torchvision publishes "17.56 GFLOPS", which
// counts MACs. Our FLOPs are 2 per MAC: 35.13 GFLOPs. Tolerance 0.1% against
// the published (rounded) figure.
TEST(InferenceCostTest, VitB16FlopsPerImage) {
  const double flops = ForwardFlopsPerInput(Model("vit-b-16"));
  ExpectRel(flops, 2.0 * 17563828224.0);
  EXPECT_NEAR(flops / 2 / 17.56e9, 1.0, 1e-3);
  EXPECT_NEAR(ForwardFlopsPerInput(Model("vit-l-16")) / 2 / 61.55e9, 1.0, 1e-3);  // torchvision 61.55
  EXPECT_NEAR(ForwardFlopsPerInput(Model("resnet-18")) / 2 / 1.81e9, 1.0, 3e-3);  // torchvision 1.81
  InferenceShape s;
  s.batch = 8;
  const InferenceCost c = Estimate(Model("vit-b-16"), Device("jetson-agx-orin-64gb"), s);
  ExpectRel(c.flops, 8 * flops);
  ExpectRel(c.weight_bytes_per_device, 86567656.0);  // int8: one byte per parameter
}

// DTLN in int8 on the 512 KiB MCU: 986,753 B of weights + the largest live
// set (core1_lstm1: 257 in + 128 out + 4 x 128 gates = 897 B) + LSTM state
// (4 layers x 256 = 1,024 B) = 988,674 B = 965.5 KiB.
TEST(InferenceCostTest, McuRefusesAModelBeyondItsSram) {
  const InferenceCost c = Estimate(Model("dtln"), Device("m55-ethos-u55"), InferenceShape{});
  EXPECT_FALSE(c.fits);
  EXPECT_EQ(c.fit_note, "needs 966 KiB, has 512 KiB");
  ExpectRel(c.weight_bytes_per_device + c.activation_bytes_peak, 986753.0 + 897 + 1024);
  const InferenceCost rnnoise = Estimate(Model("rnnoise"), Device("m55-ethos-u55"), InferenceShape{});
  EXPECT_TRUE(rnnoise.fits);
  EXPECT_TRUE(rnnoise.fit_note.empty());
  // RNNoise's 86,952 MACs: 173,904 OPs at 40.96 GOP/s x 0.7 vs 87,503 B of
  // weights at 1.28 GB/s x 0.8: memory bound.
  EXPECT_GT(rnnoise.memory_s, rnnoise.compute_s);
  EXPECT_LT(rnnoise.seconds, 10e-3);  // well inside a 10 ms frame
}

// One 10 ms RNNoise frame on the MCU, then sleep: (E_batch + 1 uJ wake +
// 10 uW x (10 ms - t)) / 10 ms; idling instead costs 2 mW x (10 ms - t).
TEST(InferenceCostTest, DutyCycledPowerSleepsOrIdlesBetweenBatches) {
  const GpuSpec& mcu = Device("m55-ethos-u55");
  const InferenceCost c = Estimate(Model("rnnoise"), mcu, InferenceShape{});
  const double t = c.seconds, period = 10e-3;
  ExpectRel(c.energy_j, 0.025 * t);
  ExpectRel(*DutyCycledPowerW(mcu, c, period, true), (0.025 * t + 1e-6 + 1e-5 * (period - t)) / period);
  ExpectRel(*DutyCycledPowerW(mcu, c, period, false), (0.025 * t + 2e-3 * (period - t)) / period);
  EXPECT_EQ(DutyCycledPowerW(mcu, c, 0, true).status().message().rfind("period_s: must be > 0", 0), 0u);
  EXPECT_EQ(DutyCycledPowerW(HandDevice(), c, period, true).status().message(),
            "sleep_between: hand gives no sleep_power_w or wakeup_energy_uj");
}

// One roofline: a decoder through EstimateInference is the LLM replica's
// iteration for the same step (perf_model.h), to the last bit, with the
// default constants and with a calibration profile, which changes it.
TEST(InferenceCostTest, DecoderIsTheReplicaRooflineStep) {
  const auto profile = std::make_shared<const CalibrationProfile>(*Shipped().FindCalibration("h100-sxm-bf16-vllm"));
  for (const auto& calibration : {std::shared_ptr<const CalibrationProfile>(), profile}) {
    ReplicaHardware hw = test::Hardware("llama-3-8b", "h100-sxm", 1, 1);
    hw.iteration_overhead_s = 0;
    hw.calibration = calibration;
    auto roofline = MakeRooflineModel(hw);
    ASSERT_TRUE(roofline.ok());
    IterationShape decode;
    decode.decode_sequences = decode.decode_tokens = 4;
    decode.decode_context_tokens = 4 * 1000;
    InferenceShape s;
    s.dtype = DType::kBf16;
    s.batch = 4;
    s.tokens = 1;
    s.context = 1000;
    auto c = EstimateInference(Model("llama-3-8b"), Device("h100-sxm"), nullptr, s, PerfEfficiency{}, calibration);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_DOUBLE_EQ(c->seconds, (*roofline)->Iteration(decode).total_s);
    IterationShape prefill;
    prefill.prefill_tokens = 2048;
    prefill.prefill_attention_pairs = 2048.0 * 2049 / 2;
    s.batch = 1;
    s.tokens = 2048;
    s.context = 0;
    c = EstimateInference(Model("llama-3-8b"), Device("h100-sxm"), nullptr, s, PerfEfficiency{}, calibration);
    ASSERT_TRUE(c.ok()) << c.status().message();
    EXPECT_DOUBLE_EQ(c->seconds, (*roofline)->Iteration(prefill).total_s);
  }
  InferenceShape s;  // a prompt: the profile's measured GEMMs and attention
  s.dtype = DType::kBf16;
  s.tokens = 2048;
  const double plain = Estimate(Model("llama-3-8b"), Device("h100-sxm"), s, nullptr, PerfEfficiency{}).seconds;
  auto measured = EstimateInference(Model("llama-3-8b"), Device("h100-sxm"), nullptr, s, PerfEfficiency{}, profile);
  ASSERT_TRUE(measured.ok());
  EXPECT_GT(std::abs(measured->seconds / plain - 1), 0.05) << measured->seconds << " vs " << plain;
}

// A decoder split at any layer costs, in its parts, what it costs whole:
// the layers add up (dense layers first, sliding-window layers spread
// evenly) and only the part that ends the model computes the logits.
TEST(InferenceCostTest, DecoderPartsAddUpToTheWhole) {
  struct Case {
    const char* model;
    const char* device;
    DType dtype;
    int tp;
    int cut;
  };
  for (const Case& k : {Case{"llama-3-8b", "h100-sxm", DType::kBf16, 1, 16}, Case{"deepseek-v3", "h200", DType::kFp8, 8, 3},
                        Case{"gpt-oss-120b", "h100-sxm", DType::kFp8, 2, 7}}) {
    SCOPED_TRACE(k.model);
    const LinkSpec* link = Shipped().FindLink(Device(k.device).scale_up_link);
    InferenceShape s;
    s.dtype = k.dtype;
    s.tp = k.tp;
    s.batch = 8;
    s.tokens = 1;
    s.context = 500;
    const InferenceCost whole = Estimate(Model(k.model), Device(k.device), s, link, PerfEfficiency{});
    s.last_layer = k.cut;
    const InferenceCost front = Estimate(Model(k.model), Device(k.device), s, link, PerfEfficiency{});
    s.first_layer = k.cut;
    s.last_layer = -1;
    const InferenceCost back = Estimate(Model(k.model), Device(k.device), s, link, PerfEfficiency{});
    ExpectRel(front.seconds + back.seconds, whole.seconds, 1e-12);
    ExpectRel(front.flops + back.flops, whole.flops, 1e-12);
    EXPECT_LT(front.flops / k.cut, back.flops / (LayerCount(Model(k.model)) - k.cut));  // the head is at the back
  }
}

TEST(InferenceCostTest, CalibrationMustMatchTheDecoderPlacement) {
  const auto profile = std::make_shared<const CalibrationProfile>(*Shipped().FindCalibration("h100-sxm-bf16-vllm"));
  InferenceShape s;
  s.tokens = 1;
  s.dtype = DType::kFp8;
  auto c = EstimateInference(Model("llama-3-8b"), Device("h100-sxm"), nullptr, s, PerfEfficiency{}, profile);
  EXPECT_EQ(c.status().message(), "calibration: h100-sxm-bf16-vllm is for h100-sxm in bf16; this placement is "
                                  "h100-sxm in fp8");
  s.tokens = 0;
  s.dtype = DType::kBf16;
  c = EstimateInference(Model("vit-b-16"), Device("h100-sxm"), nullptr, s, PerfEfficiency{}, profile);
  EXPECT_EQ(c.status().message(), "calibration: h100-sxm-bf16-vllm times LLM decoder kernels; vit-b-16 is an "
                                  "encoder model");
}

// A placement priced for batches 1..n at once gives what pricing each batch
// alone gives, for a decoder (its roofline built once) and an encoder; the
// visitor's error stops the walk.
TEST(InferenceCostTest, BatchesAreEachBatchAlone) {
  const auto profile = std::make_shared<const CalibrationProfile>(*Shipped().FindCalibration("h100-sxm-bf16-vllm"));
  struct Case {
    const char* model;
    std::int64_t tokens;
    std::shared_ptr<const CalibrationProfile> calibration;
  };
  for (const Case& k : {Case{"llama-3-8b", 1, profile}, Case{"vit-b-16", 0, nullptr}}) {
    SCOPED_TRACE(k.model);
    InferenceShape s;
    s.dtype = DType::kBf16;
    s.tokens = k.tokens;
    s.context = k.tokens == 1 ? 300 : 0;
    int seen = 0;
    const Status done = EstimateInferenceBatches(
        Model(k.model), Device("h100-sxm"), nullptr, s, 5, PerfEfficiency{}, k.calibration,
        [&](int batch, const InferenceCost& cost) {
          ++seen;
          EXPECT_EQ(batch, seen);
          InferenceShape alone = s;
          alone.batch = batch;
          auto one = EstimateInference(Model(k.model), Device("h100-sxm"), nullptr, alone, PerfEfficiency{},
                                       k.calibration);
          EXPECT_TRUE(one.ok());
          EXPECT_DOUBLE_EQ(cost.seconds, one->seconds);
          EXPECT_DOUBLE_EQ(cost.kv_bytes_per_device, one->kv_bytes_per_device);
          return batch < 3 ? Status::Ok() : Status::InvalidArgument("enough");
        });
    EXPECT_EQ(done.message(), "enough");
    EXPECT_EQ(seen, 3);
  }
  const Status none = EstimateInferenceBatches(Model("vit-b-16"), Device("h100-sxm"), nullptr, InferenceShape{}, 0,
                                               PerfEfficiency{}, nullptr,
                                               [](int, const InferenceCost&) { return Status::Ok(); });
  EXPECT_EQ(none.message(), "max_batch: must be >= 1 (got 0)");
}

// DeepSeek-V3 caches its MLA latent, 512 + 64 values a token and layer,
// whole on every TP rank: 64 sequences of 1,400 tokens hold 64 x 1400 x 576
// x 61 x 1 byte (fp8) on each of 8 GPUs, as the replica's memory plan says.
TEST(InferenceCostTest, MlaCachesItsLatentOnEveryTensorParallelRank) {
  InferenceShape s;
  s.dtype = DType::kFp8;
  s.batch = 64;
  s.tokens = 1;
  s.context = 1399;
  s.tp = 8;
  LinkSpec link;
  link.bandwidth_Bps = 450e9;
  const InferenceCost c = Estimate(Model("deepseek-v3"), Device("h200"), s, &link, PerfEfficiency{});
  EXPECT_DOUBLE_EQ(c.kv_bytes_per_device, 64.0 * 1400 * 576 * 61);
  const double per_token = attention_cost::KvBytesPerTokenPerLayerPerGpu(Model("deepseek-v3"), 8, DType::kFp8);
  EXPECT_DOUBLE_EQ(c.kv_bytes_per_device, 64.0 * 1400 * 61 * per_token);
}

// Llama-3.2-1B ties its LM head to the embedding: one copy on one device,
// a second on the last stage of a pipeline. Layer = 4*2048*... by the
// catalog's own counts; embedding 128,256 x 2,048 = 262,668,288 params.
TEST(InferenceCostTest, TiedHeadIsHeldOnceUnlessSplit) {
  const ModelSpec& m = Model("llama-3.2-1b");
  InferenceShape s;
  s.tokens = 1;
  const double layer = static_cast<double>(m.AttentionParamsPerLayer() + m.MlpParamsPerLayer());
  const InferenceCost one = Estimate(m, Device("l4"), s);
  ExpectRel(one.weight_bytes_per_device, 16 * layer + 262668288.0);
  ExpectRel(one.weight_bytes_per_device, static_cast<double>(m.TotalParams()));  // int8: 1 B per parameter
  s.pp = 2;
  const InferenceCost two = Estimate(m, Device("l4"), s, Shipped().FindLink("pcie4-x16"));
  ExpectRel(two.weight_bytes_per_device, 8 * layer + 262668288.0);  // each stage: 8 layers + a table
}

TEST(InferenceCostTest, ReplicaRooflineRefusesNonDecoders) {
  ReplicaHardware hw = test::Hardware("llama-3-8b", "h100-sxm", 1, 1);
  hw.model = Model("vit-b-16");
  EXPECT_EQ(MakeRooflineModel(hw).status().message(),
            "replica.model: \"vit-b-16\" is an encoder model; an LLM replica serves decoder models (cost other models "
            "with EstimateInference, inference_cost.h)");
}

TEST(InferenceCostTest, BadShapesNameTheField) {
  const ModelSpec& vit = Model("vit-b-16");
  const GpuSpec& orin = Device("jetson-agx-orin-64gb");
  InferenceShape s;
  s.batch = 0;
  EXPECT_EQ(ErrorOf(vit, orin, s), "shape.batch: must be >= 1 (got 0)");
  s = {};
  s.first_layer = 12;
  EXPECT_EQ(ErrorOf(vit, orin, s), "shape.first_layer: must be in [0, 12) for vit-b-16 (got 12)");
  s = {};
  s.first_layer = 4;
  s.last_layer = 4;
  EXPECT_EQ(ErrorOf(vit, orin, s), "shape.last_layer: must be -1 or in (4, 12] for vit-b-16 (got 4)");
  s = {};
  s.tp = 5;
  LinkSpec link = *Shipped().FindLink("auto-eth-10gbase-t1");
  EXPECT_EQ(ErrorOf(vit, orin, s, &link), "shape.tp: must divide vit-b-16's 12 attention heads (got 5)");
  s.tp = 2;
  EXPECT_EQ(ErrorOf(vit, orin, s), "tp_link: required (with bandwidth > 0) when tp or pp > 1");
  s = {};
  s.pp = 3;
  s.first_layer = 10;
  EXPECT_EQ(ErrorOf(vit, orin, s, &link), "shape.pp: must be <= the 2 layers in [10, 12) (got 3)");
  s = {};
  s.dtype = DType::kFp16;
  EXPECT_EQ(ErrorOf(Model("rnnoise"), Device("m55-ethos-u55"), s),
            "shape.dtype: m55-ethos-u55 has no fp16 math (it has: fp32, int8)");
  s = {};
  s.tokens = 10;
  EXPECT_EQ(ErrorOf(Model("rnnoise"), Device("m55-ethos-u55"), s),
            "shape.tokens: must be 0 for layer-list model rnnoise (one input is one frame or image) (got 10)");
  s = {};
  EXPECT_EQ(ErrorOf(Model("llama-3-8b"), Device("h100-sxm"), s),
            "shape.tokens: must be > 0 for decoder model llama-3-8b (tokens per input)");
  PerfEfficiency eff;
  eff.memory = 0;
  auto bad = EstimateInference(vit, orin, nullptr, InferenceShape{}, eff);
  EXPECT_EQ(bad.status().message(), "efficiency.memory: must be a fraction in (0, 1] (got 0)");
}

}  // namespace
}  // namespace fleetlab
