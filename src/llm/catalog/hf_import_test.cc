// import-hf on the published configs of each kind (dense GQA, MoE with
// shared experts and dense first layers, MLA, sliding windows, OPT's plain
// MLP): the file it writes loads, and gives the shipped file's shapes.
#include "fleetlab/llm/hf_import.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "fleetlab/llm/catalog.h"
#include "llm/catalog/test_catalog.h"

namespace fleetlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// DeepSeek-V3's config.json (the keys that matter, as published).
const char* kDeepSeekV3 = R"({
  "architectures": ["DeepseekV3ForCausalLM"], "model_type": "deepseek_v3", "_name_or_path": "deepseek-ai/DeepSeek-V3",
  "first_k_dense_replace": 3, "hidden_act": "silu", "hidden_size": 7168, "intermediate_size": 18432,
  "kv_lora_rank": 512, "max_position_embeddings": 163840, "moe_intermediate_size": 2048, "moe_layer_freq": 1,
  "n_group": 8, "n_routed_experts": 256, "n_shared_experts": 1, "num_attention_heads": 128,
  "num_experts_per_tok": 8, "num_hidden_layers": 61, "num_key_value_heads": 128, "num_nextn_predict_layers": 1,
  "q_lora_rank": 1536, "qk_nope_head_dim": 128, "qk_rope_head_dim": 64, "tie_word_embeddings": false,
  "v_head_dim": 128, "vocab_size": 129280})";

const char* kLlama31_70B = R"({
  "architectures": ["LlamaForCausalLM"], "model_type": "llama", "hidden_act": "silu", "hidden_size": 8192,
  "intermediate_size": 28672, "max_position_embeddings": 131072, "num_attention_heads": 64,
  "num_hidden_layers": 80, "num_key_value_heads": 8, "tie_word_embeddings": false, "vocab_size": 128256})";

const char* kGptOss120B = R"({
  "architectures": ["GptOssForCausalLM"], "model_type": "gpt_oss", "head_dim": 64, "hidden_size": 2880,
  "intermediate_size": 2880, "layer_types": ["sliding_attention", "full_attention", "sliding_attention",
  "full_attention"], "max_position_embeddings": 131072, "num_attention_heads": 64, "num_experts_per_tok": 4,
  "num_hidden_layers": 4, "num_key_value_heads": 8, "num_local_experts": 128, "sliding_window": 128,
  "tie_word_embeddings": false, "vocab_size": 201088})";

const char* kOpt13B = R"({
  "architectures": ["OPTForCausalLM"], "model_type": "opt", "ffn_dim": 20480, "hidden_size": 5120,
  "max_position_embeddings": 2048, "num_attention_heads": 40, "num_hidden_layers": 40, "vocab_size": 50272})";

// Writes `model` as an overlay folder and loads it with the catalog's loader.
Result<Catalog> LoadImported(const json& model) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("fleetlab-hf-{}-{}", getpid(), model["id"].get<std::string>());
  fs::create_directories(dir / "models");
  std::ofstream(dir / "models" / (model["id"].get<std::string>() + ".json")) << model.dump(2);
  auto c = Catalog::LoadOverlayDirectory(dir.string());
  fs::remove_all(dir);
  return c;
}

ModelSpec Import(const char* config, const std::string& id) {
  auto j = ImportHfConfig(json::parse(config), {id, "Hugging Face test config.json"});
  EXPECT_TRUE(j.ok()) << j.status().message();
  if (!j.ok()) return {};
  auto c = LoadImported(*j);
  EXPECT_TRUE(c.ok()) << c.status().message();
  return c.ok() && !c->models().empty() ? c->models().front() : ModelSpec{};
}

void ExpectSameShape(const ModelSpec& a, const ModelSpec& b) {
  EXPECT_EQ(a.TotalParams(), b.TotalParams()) << a.id;
  EXPECT_EQ(a.ActiveParams(), b.ActiveParams()) << a.id;
  EXPECT_EQ(a.KvBytesPerToken(DType::kBf16).value(), b.KvBytesPerToken(DType::kBf16).value()) << a.id;
  EXPECT_EQ(a.max_context, b.max_context) << a.id;
}

TEST(HfImportTest, DeepSeekV3MlaMoeMatchesTheShippedFile) {
  const ModelSpec m = Import(kDeepSeekV3, "deepseek-v3");
  ExpectSameShape(m, *test::Shipped().FindModel("deepseek-v3"));
  EXPECT_EQ(m.KvBytesPerToken(DType::kBf16).value(), 70272);
  EXPECT_EQ(m.dense_layers, 3);
  EXPECT_EQ(m.shared_experts, 1);
  EXPECT_EQ(m.sources.at("kv_lora_rank"), "Hugging Face test config.json: kv_lora_rank = 512");
}

TEST(HfImportTest, DenseGqaMatchesTheShippedFile) {
  ExpectSameShape(Import(kLlama31_70B, "llama-3.1-70b"), *test::Shipped().FindModel("llama-3.1-70b"));
}

TEST(HfImportTest, OptHasAPlainMlpAndTiedEmbeddings) {
  const ModelSpec m = Import(kOpt13B, "opt-13b");
  ExpectSameShape(m, *test::Shipped().FindModel("opt-13b"));
  EXPECT_EQ(m.ffn_matrices, 2);
  EXPECT_TRUE(m.tied_embeddings);
  EXPECT_EQ(m.kv_heads, 40);
}

TEST(HfImportTest, SlidingWindowLayersCountedFromLayerTypes) {
  const ModelSpec m = Import(kGptOss120B, "gpt-oss-4-layers");
  EXPECT_EQ(m.sliding_window, 128);
  EXPECT_EQ(m.local_layers, 2);
  EXPECT_EQ(m.experts, 128);
  EXPECT_EQ(m.experts_per_token, 4);
  EXPECT_EQ(m.sources.at("local_layers"), "Hugging Face test config.json: layer_types holds \"sliding_attention\" 2 "
                                          "times of 4");
}

TEST(HfImportTest, DefaultIdComesFromTheName) {
  auto j = ImportHfConfig(json::parse(kDeepSeekV3), {});
  ASSERT_TRUE(j.ok());
  EXPECT_EQ((*j)["id"], "deepseek-v3");
}

TEST(HfImportTest, WhatCannotBeRepresentedIsRefusedByKey) {
  json c = json::parse(kLlama31_70B);
  c.erase("num_hidden_layers");
  EXPECT_EQ(ImportHfConfig(c, {"x", ""}).status().message(), "num_hidden_layers or n_layer: missing");
  c = json::parse(kLlama31_70B);
  c["hidden_size"] = "big";
  EXPECT_EQ(ImportHfConfig(c, {"x", ""}).status().message(),
            "hidden_size: must be a whole number between 1 and 1e12 (got \"big\")");
  c = json::parse(kDeepSeekV3);
  c["moe_layer_freq"] = 2;
  EXPECT_EQ(ImportHfConfig(c, {"x", ""}).status().message(),
            "moe_layer_freq: dense layers between the MoE layers are not modelled (only dense first layers)");
  EXPECT_FALSE(ImportHfConfig(json::array(), {"x", ""}).ok());
}

// --data: a folder laid over the built-in catalog replaces an entry of the
// same id and adds new ones; names stay unique and links resolve.
TEST(CatalogOverlayTest, ReplacesAndAddsEntries) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("fleetlab-overlay-{}", getpid());
  fs::remove_all(dir);
  fs::create_directories(dir / "models");
  auto imported = ImportHfConfig(json::parse(kLlama31_70B), {"my-llama", "test"});
  ASSERT_TRUE(imported.ok());
  std::ofstream(dir / "models" / "my-llama.json") << imported->dump(2);
  json h100;
  std::ifstream(Catalog::BuiltinDirectory() + "/gpus/h100-sxm.json") >> h100;
  h100["price_per_hour_usd"] = 1.25;
  fs::create_directories(dir / "gpus");
  std::ofstream(dir / "gpus" / "h100-sxm.json") << h100.dump(2);
  auto c = Catalog::LoadWithOverlays(Catalog::BuiltinDirectory(), {dir.string()});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_NE(c->FindModel("my-llama"), nullptr);
  EXPECT_DOUBLE_EQ(c->FindGpu("h100-sxm")->price_per_hour_usd, 1.25);
  EXPECT_EQ(c->gpus().size(), test::Shipped().gpus().size());
  // An alias another model already has is refused, naming the folder.
  (*imported)["aliases"] = json::array({"llama-3-70b-instruct"});
  std::ofstream(dir / "models" / "my-llama.json") << imported->dump(2);
  EXPECT_EQ(Catalog::LoadWithOverlays(Catalog::BuiltinDirectory(), {dir.string()}).status().message(),
            dir.string() + ": models/my-llama.json: \"llama-3-70b-instruct\" is already the id or an alias of model "
                           "\"llama-3-70b\"");
  fs::remove_all(dir);
  EXPECT_EQ(Catalog::LoadWithOverlays(Catalog::BuiltinDirectory(), {dir.string()}).status().code(),
            Status::Code::kNotFound);
}

}  // namespace
}  // namespace fleetlab
