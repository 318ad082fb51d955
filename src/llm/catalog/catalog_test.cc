#include "fleetlab/llm/catalog.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "llm/catalog/test_catalog.h"
#include <nlohmann/json.hpp>

namespace fleetlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

using test::Shipped;

const ModelSpec& Model(const std::string& id) {
  const ModelSpec* m = Shipped().FindModel(id);
  EXPECT_NE(m, nullptr) << id;
  return *m;
}

TEST(CatalogTest, LoadsEveryShippedFile) {
  const Catalog& c = Shipped();
  EXPECT_EQ(c.models().size(), 23u);
  EXPECT_EQ(c.gpus().size(), 16u);
  EXPECT_EQ(c.hosts().size(), 1u);
  EXPECT_EQ(c.links().size(), 18u);
  // File-name order, so listings are stable.
  EXPECT_EQ(c.ModelIds(), "deepseek-v3, dtln, gpt-oss-120b, llama-2-70b, llama-3-70b, llama-3-8b, llama-3.1-405b, "
                          "llama-3.1-70b, llama-3.1-8b, llama-3.2-1b, llama-3.3-70b, mixtral-8x22b, mixtral-8x7b, "
                          "opt-13b, opt-175b, opt-66b, qwen2.5-72b, qwen3-235b-a22b, qwen3-30b-a3b, resnet-18, "
                          "rnnoise, vit-b-16, vit-l-16");
  EXPECT_EQ(c.GpuIds(), "a100-80gb, a17-pro, b200, gaudi3, gb200, h100-pcie, h100-sxm, h20, h200, "
                        "jetson-agx-orin-64gb, l4, l40s, m55-ethos-u55, mi300x, mi325x, raspberry-pi-5");
}

TEST(CatalogTest, ConvertsUnits) {
  const GpuSpec* h100 = Shipped().FindGpu("h100-sxm");
  ASSERT_NE(h100, nullptr);
  EXPECT_DOUBLE_EQ(h100->memory_bytes, 80e9);             // 80 GB x 1e9
  EXPECT_DOUBLE_EQ(h100->memory_bandwidth_Bps, 3.35e12);  // 3350 GB/s x 1e9
  EXPECT_DOUBLE_EQ(*h100->PeakFlops(DType::kBf16), 989e12);
  EXPECT_DOUBLE_EQ(*h100->PeakFlops(DType::kFp8), 1979e12);
  EXPECT_EQ(h100->scale_up_link, "nvlink4");
  EXPECT_EQ(h100->gpus_per_node, 8);
  EXPECT_EQ(h100->ScaleOutLink(), "infiniband-ndr");  // no scale_out_link: the default
  EXPECT_EQ(Shipped().FindGpu("gaudi3")->ScaleOutLink(), "gaudi3-roce-scaleout");
  EXPECT_DOUBLE_EQ(Shipped().FindLink("gaudi3-roce-scaleout")->bandwidth_Bps, 75e9);  // 3 x 200 Gb/s
  EXPECT_FALSE(h100->sources.at("memory_gb").empty());
  EXPECT_FALSE(Shipped().FindGpu("a100-80gb")->PeakFlops(DType::kFp8).has_value());  // A100 has no fp8
  const LinkSpec* nvlink = Shipped().FindLink("nvlink4");
  ASSERT_NE(nvlink, nullptr);
  EXPECT_DOUBLE_EQ(nvlink->bandwidth_Bps, 450e9);
  EXPECT_DOUBLE_EQ(nvlink->latency_s, 1.5e-6);
  const HostSpec* host = Shipped().FindHost("cpu-host");
  ASSERT_NE(host, nullptr);
  EXPECT_DOUBLE_EQ(host->memory_bytes, 2048e9);
  EXPECT_EQ(host->link_to_gpu, "pcie5-x16");
}

TEST(CatalogTest, FindsModelsByAlias) {
  EXPECT_EQ(Shipped().FindModel("llama-3-70b-instruct"), Shipped().FindModel("llama-3-70b"));
  EXPECT_EQ(Shipped().FindModel("deepseek-r1"), Shipped().FindModel("deepseek-v3"));
  // Llama 3.1 and 3.3 share Llama 3's shapes but hold 128k tokens of context.
  EXPECT_EQ(Shipped().FindModel("llama-3.3-70b")->max_context, 131072);
  EXPECT_EQ(Shipped().FindModel("llama-3.1-8b")->max_context, 131072);
  EXPECT_EQ(Shipped().FindModel("llama-3-70b")->max_context, 8192);
  EXPECT_EQ(Shipped().FindModel("no-such-model"), nullptr);
  EXPECT_EQ(Shipped().FindGpu("h100"), nullptr);
}

TEST(CatalogTest, DTypes) {
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kBf16), 2);
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kFp8), 1);
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kInt4), 0.5);
  EXPECT_STREQ(DTypeName(DType::kFp16), "fp16");
  EXPECT_EQ(ParseDType("int8"), DType::kInt8);
  EXPECT_FALSE(ParseDType("bfloat16").has_value());
  // 4-bit floats with their block scales: NVFP4 one byte per 16, MXFP4 one per 32.
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kNvFp4), 0.5625);
  EXPECT_DOUBLE_EQ(BytesPerElement(DType::kMxFp4), 0.53125);
  EXPECT_EQ(ParseDType("nvfp4"), DType::kNvFp4);
  EXPECT_DOUBLE_EQ(*Shipped().FindGpu("b200")->PeakFlops(DType::kNvFp4), 9000e12);
  EXPECT_FALSE(Shipped().FindGpu("h100-sxm")->PeakFlops(DType::kMxFp4).has_value());  // Hopper has no FP4
}

// Llama 3.1 and 3.3 are their own files now, with their 128k context.
TEST(CatalogTest, LongContextModelsCarryTheirOwnMaxContext) {
  EXPECT_EQ(Model("llama-3-70b").max_context, 8192);
  EXPECT_EQ(Model("llama-3.1-70b").max_context, 131072);
  EXPECT_EQ(Model("llama-3.3-70b").max_context, 131072);
  EXPECT_EQ(Model("llama-3.1-8b").max_context, 131072);
  EXPECT_EQ(Model("llama-3.1-70b").TotalParams(), Model("llama-3-70b").TotalParams());
}

// Published counts (the models' Hugging Face model cards and release posts), computed from the shapes; tolerance 0.5%
// (the published figures are rounded to 3-4 digits).
TEST(CatalogTest, ParameterCountsMatchPublishedFigures) {
  const double tol = 0.005;
  EXPECT_NEAR(Model("llama-3-8b").TotalParams() / 8.03e9, 1.0, tol);
  EXPECT_NEAR(Model("llama-3-70b").TotalParams() / 70.55e9, 1.0, tol);
  EXPECT_NEAR(Model("llama-3.1-405b").TotalParams() / 405.8e9, 1.0, tol);
  EXPECT_NEAR(Model("llama-3.2-1b").TotalParams() / 1.24e9, 1.0, tol);
  EXPECT_NEAR(Model("mixtral-8x7b").TotalParams() / 46.7e9, 1.0, tol);
  EXPECT_NEAR(Model("mixtral-8x7b").ActiveParams() / 12.9e9, 1.0, tol);
  // The new files against their model cards (rounded to 3 digits, so 1%).
  EXPECT_NEAR(Model("llama-2-70b").TotalParams() / 68.98e9, 1.0, tol);  // 70B: 68.98 B counted without norms
  EXPECT_NEAR(Model("qwen2.5-72b").TotalParams() / 72.7e9, 1.0, 0.01);
  EXPECT_NEAR(Model("mixtral-8x22b").TotalParams() / 141e9, 1.0, 0.01);
  EXPECT_NEAR(Model("mixtral-8x22b").ActiveParams() / 39e9, 1.0, 0.01);
  EXPECT_NEAR(Model("qwen3-30b-a3b").TotalParams() / 30.5e9, 1.0, 0.01);
  EXPECT_NEAR(Model("qwen3-30b-a3b").ActiveParams() / 3.3e9, 1.0, 0.02);
  EXPECT_NEAR(Model("qwen3-235b-a22b").TotalParams() / 235e9, 1.0, 0.01);
  EXPECT_NEAR(Model("qwen3-235b-a22b").ActiveParams() / 22e9, 1.0, 0.02);
  EXPECT_NEAR(Model("deepseek-v3").TotalParams() / 671e9, 1.0, tol);
  EXPECT_NEAR(Model("deepseek-v3").ActiveParams() / 37e9, 1.0, 0.02);
  EXPECT_NEAR(Model("gpt-oss-120b").TotalParams() / 116.8e9, 1.0, tol);
  EXPECT_NEAR(Model("opt-13b").TotalParams() / 12.85e9, 1.0, tol);
  EXPECT_NEAR(Model("opt-66b").TotalParams() / 65.7e9, 1.0, tol);
  EXPECT_NEAR(Model("opt-175b").TotalParams() / 175e9, 1.0, tol);
  // Dense models: every parameter is active.
  EXPECT_EQ(Model("llama-3-70b").ActiveParams(), Model("llama-3-70b").TotalParams());
}

// Llama-3-70B by hand (h = 8192, 64 heads, 8 KV heads, d = 128, f = 28672,
// V = 128256): attention 8192*8192 + 2*8192*1024 + 8192*8192 = 150,994,944;
// MLP 3*8192*28672 = 704,643,072; 80 layers + 2*V*h = 70,552,387,584.
TEST(CatalogTest, Llama70BCountsExactly) {
  const ModelSpec& m = Model("llama-3-70b");
  EXPECT_EQ(m.AttentionParamsPerLayer(), 150994944);
  EXPECT_EQ(m.MlpParamsPerLayer(), 704643072);
  EXPECT_EQ(m.EmbeddingParams(), 1050673152);
  EXPECT_EQ(m.LmHeadParams(), 1050673152);
  EXPECT_EQ(m.TotalParams(), 70552387584);
}

// Mixtral: one expert 3*4096*14336 = 176,160,768; router 4096*8 = 32,768.
TEST(CatalogTest, MixtralCountsExpertsAndRouter) {
  const ModelSpec& m = Model("mixtral-8x7b");
  EXPECT_EQ(m.MlpParamsPerLayer(), 8 * 176160768 + 32768);
  EXPECT_EQ(m.ActiveMlpParamsPerLayer(), 2 * 176160768 + 32768);
}

TEST(CatalogTest, TiedEmbeddingsHaveNoSeparateHead) {
  const ModelSpec& m = Model("llama-3.2-1b");
  EXPECT_TRUE(m.tied_embeddings);
  EXPECT_EQ(m.LmHeadParams(), 0);
  EXPECT_EQ(m.EmbeddingParams(), 128256 * 2048);
}

// KV bytes per token = 2 x layers x KV heads x head_dim x bytes (exact).
TEST(CatalogTest, KvBytesPerToken) {
  EXPECT_EQ(Model("llama-3-70b").KvBytesPerToken(DType::kBf16).value(), 327680);    // 2*80*8*128*2 = 320 KiB
  EXPECT_EQ(Model("llama-3-8b").KvBytesPerToken(DType::kBf16).value(), 131072);     // 2*32*8*128*2 = 128 KiB
  EXPECT_EQ(Model("llama-3.1-405b").KvBytesPerToken(DType::kBf16).value(), 516096); // 2*126*8*128*2 = 504 KiB
  EXPECT_EQ(Model("llama-3-70b").KvBytesPerToken(DType::kFp8).value(), 163840);     // fp8: half
  EXPECT_EQ(Model("llama-3-70b").KvBytesPerToken(DType::kInt4).value(), 81920);
}

// MLA caches one latent of kv_lora_rank plus one RoPE key per token and
// layer: DeepSeek-V3 (512 + 64) x 61 x 2 B = 70,272 B in bf16 (issue 15's
// hand number). As GQA with its 128 KV heads of 192 it would be 2 x 61 x
// 128 x 192 x 2 = 5,996,544 B, 85x more.
TEST(CatalogTest, MlaCachesTheLatent) {
  const ModelSpec& m = Model("deepseek-v3");
  EXPECT_TRUE(m.IsMla());
  EXPECT_EQ(m.KvBytesPerToken(DType::kBf16).value(), 70272);
  EXPECT_EQ(m.KvBytesPerToken(DType::kFp8).value(), 35136);
  ModelSpec as_gqa = m;
  as_gqa.kv_lora_rank = 0;
  EXPECT_EQ(as_gqa.KvBytesPerToken(DType::kBf16).value(), 5996544);
  // Attention by hand: q 7168*1536 + 1536*128*192, KV down 7168*576, KV up
  // 512*128*(128+128), out 128*128*7168.
  EXPECT_EQ(m.AttentionParamsPerLayer(), 11010048 + 37748736 + 4128768 + 16777216 + 117440512);
  EXPECT_EQ(m.MlaUpProjectionParams(), 16777216);
  // MoE layers: 256 routed + 1 shared expert of 3*7168*2048, router 7168*256;
  // the 3 dense layers: 3*7168*18432.
  EXPECT_EQ(m.MlpParamsPerLayer(), 257LL * 44040192 + 1835008);
  EXPECT_EQ(m.ActiveMlpParamsPerLayer(), 9LL * 44040192 + 1835008);
  EXPECT_EQ(m.DenseMlpParamsPerLayer(), 396361728);
  EXPECT_EQ(m.StandardLayers(), 58);
}

// gpt-oss-120b: 18 of 36 layers attend to the last 128 tokens. Their cache
// is bounded: 18 x 128 x 2 x 8 x 64 x 2 B = 4,718,592 B a sequence; the
// other 18 grow: 18 x 2 x 8 x 64 x 2 = 36,864 B a token.
TEST(CatalogTest, SlidingWindowLayersAreBounded) {
  const ModelSpec& m = Model("gpt-oss-120b");
  EXPECT_EQ(m.GlobalLayers(), 18);
  EXPECT_EQ(m.KvBytesPerToken(DType::kBf16).value(), 36864);
  EXPECT_EQ(m.WindowKvBytesPerSequence(DType::kBf16).value(), 4718592);
  EXPECT_EQ(Model("llama-3-70b").WindowKvBytesPerSequence(DType::kBf16).value(), 0);
}

TEST(CatalogTest, IgnoringGqaOverstatesKvEightfold) {
  ModelSpec no_gqa = Model("llama-3-70b");
  no_gqa.kv_heads = no_gqa.heads;  // 64 instead of 8
  EXPECT_EQ(no_gqa.KvBytesPerToken(DType::kBf16).value(), 8 * 327680);
}

// A copy of the shipped data in a temporary folder, one file of which a test
// breaks; the error must name the file and the field.
class CatalogFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ = fs::temp_directory_path() / fmt::format("fleetlab-catalog-{}-{}", getpid(), info->name());
    fs::remove_all(dir_);
    fs::copy(FLEETLAB_SOURCE_DIR "/data", dir_, fs::copy_options::recursive);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string File(const std::string& relative) const { return (dir_ / relative).string(); }

  void Edit(const std::string& relative, const std::function<void(json&)>& edit) const {
    json doc;
    std::ifstream(File(relative)) >> doc;
    edit(doc);
    Write(relative, doc.dump(2));
  }
  void Write(const std::string& relative, const std::string& text) const { std::ofstream(File(relative)) << text; }

  std::string LoadError() const {
    auto c = Catalog::LoadDirectory(dir_.string());
    return c.ok() ? "" : c.status().message();
  }

  fs::path dir_;
};

TEST_F(CatalogFilesTest, CopyLoads) { EXPECT_EQ(LoadError(), ""); }

TEST_F(CatalogFilesTest, MissingSourceNamesFileAndField) {
  Edit("gpus/h100-sxm.json", [](json& j) { j["sources"].erase("memory_gb"); });
  EXPECT_EQ(LoadError(), File("gpus/h100-sxm.json") + ": memory_gb: number without a source (add sources.memory_gb)");
}

TEST_F(CatalogFilesTest, NestedNumberNeedsASource) {
  Edit("gpus/h200.json", [](json& j) {
    j["sources"].erase("peak_tflops");
    j["sources"]["peak_tflops.bf16"] = "datasheet";
  });
  EXPECT_EQ(LoadError(), File("gpus/h200.json") +
                             ": peak_tflops.fp16: number without a source (add sources.peak_tflops or "
                             "sources.peak_tflops.fp16)");
}

TEST_F(CatalogFilesTest, WrongTypeNamesFileAndField) {
  Edit("gpus/h100-sxm.json", [](json& j) { j["memory_gb"] = "eighty"; });
  EXPECT_EQ(LoadError(), File("gpus/h100-sxm.json") + ": memory_gb: must be a number > 0 (got \"eighty\")");
  Edit("gpus/h100-sxm.json", [](json& j) { j["memory_gb"] = -80; });
  EXPECT_EQ(LoadError(), File("gpus/h100-sxm.json") + ": memory_gb: must be a number > 0 (got -80)");
  Edit("gpus/h100-sxm.json", [](json& j) { j["memory_gb"] = 80; j["peak_tflops"]["bf16"] = "fast"; });
  EXPECT_EQ(LoadError(), File("gpus/h100-sxm.json") + ": peak_tflops.bf16: must be a number > 0 (got \"fast\")");
}

TEST_F(CatalogFilesTest, UnknownFieldNamesFileAndField) {
  Edit("models/llama-3-8b.json", [](json& j) { j["layer"] = 32; });
  EXPECT_NE(LoadError().find(File("models/llama-3-8b.json") + ": layer: unknown field"), std::string::npos)
      << LoadError();
}

TEST_F(CatalogFilesTest, SourceForNoFieldIsAnError) {
  Edit("links/nvlink4.json", [](json& j) { j["sources"]["bandwidth"] = "typo"; });
  EXPECT_EQ(LoadError(), File("links/nvlink4.json") + ": sources.bandwidth: names no field of this object");
}

TEST_F(CatalogFilesTest, MissingRequiredField) {
  Edit("links/nvlink4.json", [](json& j) { j.erase("latency_us"); j["sources"].erase("latency_us"); });
  EXPECT_EQ(LoadError(), File("links/nvlink4.json") + ": latency_us: missing (required)");
}

TEST_F(CatalogFilesTest, UnknownLinkNamesFileAndField) {
  Edit("gpus/b200.json", [](json& j) { j["scale_up_link"] = "nvlink9"; });
  EXPECT_NE(LoadError().find(File("gpus/b200.json") + ": scale_up_link: unknown link \"nvlink9\"; known: "),
            std::string::npos)
      << LoadError();
  Edit("gpus/b200.json", [](json& j) { j["scale_up_link"] = "nvlink5"; });
  Edit("gpus/gaudi3.json", [](json& j) { j["scale_out_link"] = "roce9"; });
  EXPECT_NE(LoadError().find(File("gpus/gaudi3.json") + ": scale_out_link: unknown link \"roce9\"; known: "),
            std::string::npos)
      << LoadError();
  Edit("gpus/gaudi3.json", [](json& j) { j["scale_out_link"] = "gaudi3-roce-scaleout"; });
  Edit("hosts/cpu-host.json", [](json& j) { j["link_to_gpu"] = "pcie7"; });
  EXPECT_NE(LoadError().find(File("hosts/cpu-host.json") + ": link_to_gpu: unknown link \"pcie7\""),
            std::string::npos)
      << LoadError();
}

TEST_F(CatalogFilesTest, IdMustEqualFileName) {
  Edit("models/llama-3-8b.json", [](json& j) { j["id"] = "llama-3-8B"; });
  EXPECT_EQ(LoadError(), File("models/llama-3-8b.json") + ": id: must equal the file name \"llama-3-8b\" (got "
                                                          "\"llama-3-8B\")");
}

TEST_F(CatalogFilesTest, AliasesMustBeUnique) {
  Edit("models/llama-3-8b.json", [](json& j) { j["aliases"].push_back("llama-3-70b"); });
  EXPECT_EQ(LoadError(), File("models/llama-3-8b.json") + ": aliases: \"llama-3-70b\" is already the id or an alias in " +
                             File("models/llama-3-70b.json"));
}

TEST_F(CatalogFilesTest, ShapeMustBeConsistent) {
  Edit("models/llama-3-8b.json", [](json& j) { j["kv_heads"] = 7; });
  EXPECT_EQ(LoadError(), File("models/llama-3-8b.json") + ": kv_heads: must divide heads (32) (got 7)");
}

TEST_F(CatalogFilesTest, NotJsonNamesTheFile) {
  Write("links/broken.json", "{\"id\": ");
  EXPECT_NE(LoadError().find(File("links/broken.json") + ": not valid JSON"), std::string::npos) << LoadError();
}

TEST_F(CatalogFilesTest, MissingFolder) {
  fs::remove_all(dir_ / "hosts");
  EXPECT_EQ(LoadError(), File("hosts") + ": no such folder");
  fs::remove_all(dir_);
  EXPECT_EQ(LoadError(), dir_.string() + ": no such catalog folder (one with models/, gpus/, hosts/, links/)");
}

// The non-LLM models, edge devices and radio links (catalog_edge_test.cc has
// their shipped figures).
TEST_F(CatalogFilesTest, P99BelowMedianIsAnError) {
  Edit("links/wifi6.json", [](json& j) { j["latency_p99_us"] = 1000; });
  EXPECT_EQ(LoadError(), File("links/wifi6.json") + ": latency_p99_us: must be a number >= 2000 (got 1000)");
  Edit("links/wifi6.json", [](json& j) { j["latency_p99_us"] = 10000; j["loss_rate"] = 1; });
  EXPECT_EQ(LoadError(), File("links/wifi6.json") + ": loss_rate: must be a number between 0 and 1 (exclusive of the upper) (got 1)");
}

TEST_F(CatalogFilesTest, LayerListNeedsASourceAndKnownKinds) {
  Edit("models/rnnoise.json", [](json& j) { j["sources"].erase("layers"); });
  EXPECT_EQ(LoadError(), File("models/rnnoise.json") + ": layers: list of numbers without a source (add sources.layers)");
  Edit("models/rnnoise.json", [](json& j) {
    j["sources"]["layers"] = "paper";
    j["layers"][1]["kind"] = "transformer";
  });
  EXPECT_NE(LoadError().find(File("models/rnnoise.json") + ": layers[1].kind: must be one of \"conv2d\""),
            std::string::npos)
      << LoadError();
  Edit("models/rnnoise.json", [](json& j) { j["layers"][1]["kind"] = "gru"; j["layers"][1].erase("units"); });
  EXPECT_EQ(LoadError(), File("models/rnnoise.json") + ": layers[1].units: missing (required)");
}

TEST_F(CatalogFilesTest, EncoderShapeMustBeConsistent) {
  Edit("models/vit-b-16.json", [](json& j) { j["patch_size"] = 15; });
  EXPECT_EQ(LoadError(), File("models/vit-b-16.json") + ": patch_size: must divide image_size (224) (got 15)");
}

TEST_F(CatalogFilesTest, PowerFieldsAreRangeChecked) {
  Edit("gpus/m55-ethos-u55.json", [](json& j) { j["active_power_w"] = 1; });
  EXPECT_NE(LoadError().find(File("gpus/m55-ethos-u55.json") + ": active_power_w: must be a number"),
            std::string::npos)
      << LoadError();
  Edit("gpus/m55-ethos-u55.json", [](json& j) { j["active_power_w"] = 0.025; j["sleep_power_w"] = 0.01; });
  EXPECT_NE(LoadError().find(File("gpus/m55-ethos-u55.json") + ": sleep_power_w: must be a number between 0 and 0.002"),
            std::string::npos)
      << LoadError();
}

}  // namespace
}  // namespace fleetlab
