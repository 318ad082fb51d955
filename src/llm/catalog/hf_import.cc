#include "fleetlab/llm/hf_import.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>

namespace fleetlab {
namespace {

using nlohmann::json;

// Reads config keys into the model file, recording each number's source.
class Importer {
 public:
  Importer(const json& config, std::string source) : c_(config), source_(std::move(source)) {}

  bool Has(const char* key) const { return c_.contains(key) && !c_[key].is_null(); }

  // A whole number >= `min` at the first present of `keys`; `fallback` (with
  // its explanation) when none is present and fallback >= 0.
  Result<std::int64_t> Count(std::initializer_list<const char*> keys, std::int64_t min = 1) const {
    for (const char* k : keys) {
      if (!Has(k)) continue;
      const json& v = c_[k];
      const double d = v.is_number() ? v.get<double>() : -1.0;
      if (!(d >= static_cast<double>(min) && d <= 1e12) || d != std::floor(d)) {
        return Status::InvalidArgument(fmt::format("{}: must be a whole number between {} and 1e12 (got {})", k, min,
                                                   v.dump()));
      }
      const auto n = static_cast<std::int64_t>(d);
      return n;
    }
    std::string names;
    for (const char* k : keys) names += (names.empty() ? "" : " or ") + std::string(k);
    return Status::InvalidArgument(fmt::format("{}: missing", names));
  }
  const char* Key(std::initializer_list<const char*> keys) const {
    for (const char* k : keys) {
      if (Has(k)) return k;
    }
    return *keys.begin();
  }

  // out[field] = the value at the first present key, cited.
  Status Put(const char* field, std::initializer_list<const char*> keys, std::int64_t min = 1) {
    auto v = Count(keys, min);
    if (!v.ok()) return v.status();
    Set(field, *v, fmt::format("{}: {} = {}", source_, Key(keys), *v));
    return Status::Ok();
  }
  void Set(const char* field, const json& value, const std::string& why) {
    out_[field] = value;
    out_["sources"][field] = why;
  }
  std::int64_t Get(const char* field) const { return out_.contains(field) ? out_[field].get<std::int64_t>() : 0; }

  const json& config() const { return c_; }
  const std::string& source() const { return source_; }
  json& out() { return out_; }

 private:
  const json& c_;
  std::string source_;
  json out_ = json::object();
};

// A number > 0 at `key` (absent, null or not a number: false).
bool Positive(const json& c, const char* key) {
  return c.contains(key) && c[key].is_number() && c[key].get<double>() > 0;
}

std::string ModelType(const json& c) { return c.contains("model_type") && c["model_type"].is_string() ? c["model_type"].get<std::string>() : ""; }

// A plain two-matrix MLP (OPT, GPT-2, GPT-NeoX, Falcon, BLOOM, Phi) or a
// gated SwiGLU one (gate, up, down: Llama, Mistral, Qwen, DeepSeek, gpt-oss).
bool PlainMlp(const json& c) {
  const std::string t = ModelType(c);
  for (const char* plain : {"opt", "gpt2", "gpt_neox", "gpt_bigcode", "bloom", "falcon", "phi"}) {
    if (t == plain) return true;
  }
  return c.contains("ffn_dim");
}

Status Attention(Importer& in) {
  FLEETLAB_RETURN_IF_ERROR(in.Put("heads", {"num_attention_heads", "n_head"}));
  if (in.Has("num_key_value_heads")) {
    FLEETLAB_RETURN_IF_ERROR(in.Put("kv_heads", {"num_key_value_heads"}));
  } else {
    in.Set("kv_heads", in.Get("heads"), fmt::format("{} has no num_key_value_heads: multi-head attention, one KV head "
                                                    "per head ({})", in.source(), in.Get("heads")));
  }
  if (in.Has("kv_lora_rank")) {  // MLA: the latent ranks and head dims
    FLEETLAB_RETURN_IF_ERROR(in.Put("kv_lora_rank", {"kv_lora_rank"}));
    FLEETLAB_RETURN_IF_ERROR(in.Put("qk_nope_head_dim", {"qk_nope_head_dim"}));
    FLEETLAB_RETURN_IF_ERROR(in.Put("qk_rope_head_dim", {"qk_rope_head_dim"}));
    FLEETLAB_RETURN_IF_ERROR(in.Put("v_head_dim", {"v_head_dim"}));
    if (in.Has("q_lora_rank")) FLEETLAB_RETURN_IF_ERROR(in.Put("q_lora_rank", {"q_lora_rank"}));
    const std::int64_t d = in.Get("qk_nope_head_dim") + in.Get("qk_rope_head_dim");
    in.Set("head_dim", d, fmt::format("MLA: a head's query/key width qk_nope_head_dim + qk_rope_head_dim = {} ({})", d,
                                      in.source()));
    return Status::Ok();
  }
  if (in.Has("head_dim")) return in.Put("head_dim", {"head_dim"});
  const std::int64_t h = in.Get("hidden"), n = in.Get("heads");
  if (h % n != 0) return Status::InvalidArgument(fmt::format("head_dim: missing, and hidden_size {} is not a multiple of num_attention_heads {}", h, n));
  in.Set("head_dim", h / n, fmt::format("{} has no head_dim: hidden_size / num_attention_heads = {} / {} = {}",
                                        in.source(), h, n, h / n));
  return Status::Ok();
}

// layer_types ("sliding_attention" / "full_attention": gpt-oss, Gemma 3), or
// Mistral's window on every layer; Qwen2's use_sliding_window false: none.
Status SlidingWindow(Importer& in) {
  const json& c = in.config();
  if (!in.Has("sliding_window") || (in.Has("use_sliding_window") && c["use_sliding_window"] == false)) {
    return Status::Ok();
  }
  std::int64_t local = in.Get("layers");
  std::string why = fmt::format("{}: sliding_window is set and there is no layer_types: every layer ({})", in.source(), local);
  if (in.Has("layer_types")) {
    if (!c["layer_types"].is_array()) return Status::InvalidArgument("layer_types: must be a list of strings");
    local = std::count(c["layer_types"].begin(), c["layer_types"].end(), json("sliding_attention"));
    why = fmt::format("{}: layer_types holds \"sliding_attention\" {} times of {}", in.source(), local, c["layer_types"].size());
  } else if (in.Has("use_sliding_window")) {
    return Status::InvalidArgument("use_sliding_window: true with max_window_layers is not modelled; give a layer_types list");
  }
  if (local == 0) return Status::Ok();
  FLEETLAB_RETURN_IF_ERROR(in.Put("sliding_window", {"sliding_window"}));
  in.Set("local_layers", local, why);
  return Status::Ok();
}

Status Experts(Importer& in) {
  const json& c = in.config();
  const bool moe = in.Has("num_local_experts") || in.Has("num_experts") || in.Has("n_routed_experts");
  if (!moe) {
    in.Set("experts", 1, fmt::format("{} has no expert keys: a dense model", in.source()));
    in.Set("experts_per_token", 1, "dense model: every token uses the single MLP");
    return in.Put("ffn", {"intermediate_size", "ffn_dim", "n_inner"});
  }
  FLEETLAB_RETURN_IF_ERROR(in.Put("experts", {"n_routed_experts", "num_local_experts", "num_experts"}));
  FLEETLAB_RETURN_IF_ERROR(in.Put("experts_per_token", {"num_experts_per_tok", "experts_per_token"}));
  FLEETLAB_RETURN_IF_ERROR(in.Put("ffn", {"moe_intermediate_size", "intermediate_size"}));
  if (Positive(c, "n_shared_experts")) {
    FLEETLAB_RETURN_IF_ERROR(in.Put("shared_experts", {"n_shared_experts"}));
  }
  if (Positive(c, "shared_expert_intermediate_size")) {
    return Status::InvalidArgument("shared_expert_intermediate_size: a shared expert of its own width is not modelled "
                                   "(shared experts have the routed experts' width)");
  }
  if (Positive(c, "first_k_dense_replace")) {
    FLEETLAB_RETURN_IF_ERROR(in.Put("dense_layers", {"first_k_dense_replace"}));
    FLEETLAB_RETURN_IF_ERROR(in.Put("dense_ffn", {"intermediate_size"}));
  }
  const bool sparse_step = in.Has("decoder_sparse_step") && c["decoder_sparse_step"] != 1;
  const bool mlp_only = in.Has("mlp_only_layers") && c["mlp_only_layers"].is_array() && !c["mlp_only_layers"].empty();
  const bool layer_freq = in.Has("moe_layer_freq") && c["moe_layer_freq"] != 1;
  if (sparse_step || mlp_only || layer_freq) {
    return Status::InvalidArgument(fmt::format("{}: dense layers between the MoE layers are not modelled (only dense "
                                               "first layers)", sparse_step ? "decoder_sparse_step"
                                                                            : (mlp_only ? "mlp_only_layers" : "moe_layer_freq")));
  }
  return Status::Ok();
}

std::string DefaultId(const json& c) {
  std::string name = c.contains("_name_or_path") && c["_name_or_path"].is_string() ? c["_name_or_path"].get<std::string>()
                                                                                      : ModelType(c);
  name = name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
  std::string id;
  for (char ch : name) id += std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' ? static_cast<char>(std::tolower(static_cast<unsigned char>(ch))) : '-';
  return id;
}

}  // namespace

Result<json> ImportHfConfig(const json& config, const HfImportOptions& options) {
  if (!config.is_object()) return Status::InvalidArgument("config.json: must be a JSON object");
  const std::string id = options.id.empty() ? DefaultId(config) : options.id;
  if (id.empty()) return Status::InvalidArgument("--name: give the model's catalog id (the config has no _name_or_path or model_type)");
  Importer in(config, options.source.empty() ? "Hugging Face config.json" : options.source);
  json& out = in.out();
  out["id"] = id;
  out["name"] = id;
  out["architecture"] = "decoder";
  out["sources"] = json::object();
  FLEETLAB_RETURN_IF_ERROR(in.Put("layers", {"num_hidden_layers", "n_layer"}));
  FLEETLAB_RETURN_IF_ERROR(in.Put("hidden", {"hidden_size", "n_embd", "d_model"}));
  FLEETLAB_RETURN_IF_ERROR(Attention(in));
  FLEETLAB_RETURN_IF_ERROR(Experts(in));
  const bool plain = PlainMlp(config);
  in.Set("ffn_matrices", plain ? 2 : 3,
         plain ? fmt::format("{}: model_type {}: a plain MLP (up, activation, down) = 2 matrices", in.source(), ModelType(config))
               : fmt::format("{}: model_type {}: a gated MLP (gate, up, down; SwiGLU) = 3 matrices", in.source(), ModelType(config)));
  FLEETLAB_RETURN_IF_ERROR(in.Put("vocab", {"vocab_size"}));
  const bool tied = !config.contains("tie_word_embeddings") || !config["tie_word_embeddings"].is_boolean()
                        ? true
                        : config["tie_word_embeddings"].get<bool>();
  out["tied_embeddings"] = tied;
  out["sources"]["tied_embeddings"] = config.contains("tie_word_embeddings")
                                          ? fmt::format("{}: tie_word_embeddings = {}", in.source(), tied)
                                          : fmt::format("{} has no tie_word_embeddings: transformers' default, true", in.source());
  FLEETLAB_RETURN_IF_ERROR(in.Put("max_context", {"max_position_embeddings", "n_positions", "max_sequence_length"}));
  FLEETLAB_RETURN_IF_ERROR(SlidingWindow(in));
  return out;
}

}  // namespace fleetlab
