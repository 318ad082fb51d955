#include "llm/catalog/catalog_variants.h"

#include <fmt/format.h>

namespace fleetlab::catalog_internal {
namespace {

Status Invalid(const char* field, const std::string& message) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, message));
}

Status ReadCount(FieldReader& r, const char* key, std::int64_t* out, double max = 1e9) {
  std::uint64_t v = static_cast<std::uint64_t>(*out);
  FLEETLAB_RETURN_IF_ERROR(r.Integer(key, &v, Range::Between(0, max)));
  *out = static_cast<std::int64_t>(v);
  return Status::Ok();
}

// MLA: kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim are
// given together (q_lora_rank may be 0: a full query projection).
Status CheckMla(const FieldReader& r, const ModelSpec& m) {
  const bool any = r.Has("kv_lora_rank") || r.Has("qk_nope_head_dim") || r.Has("qk_rope_head_dim") ||
                   r.Has("v_head_dim") || r.Has("q_lora_rank");
  if (!any) return Status::Ok();
  if (m.kv_lora_rank == 0 || m.qk_nope_head_dim == 0 || m.qk_rope_head_dim == 0 || m.v_head_dim == 0) {
    return Invalid("kv_lora_rank", "MLA needs kv_lora_rank, qk_nope_head_dim, qk_rope_head_dim and v_head_dim, "
                                   "each >= 1 (q_lora_rank may be 0)");
  }
  if (m.local_layers > 0) return Invalid("local_layers", "an MLA model with sliding-window layers is not modelled");
  return Status::Ok();
}

}  // namespace

Status ParseDecoderVariants(FieldReader& r, ModelSpec* m) {
  const std::pair<const char*, std::int64_t*> counts[] = {
      {"kv_lora_rank", &m->kv_lora_rank},     {"q_lora_rank", &m->q_lora_rank},
      {"qk_nope_head_dim", &m->qk_nope_head_dim}, {"qk_rope_head_dim", &m->qk_rope_head_dim},
      {"v_head_dim", &m->v_head_dim},         {"sliding_window", &m->sliding_window},
      {"local_layers", &m->local_layers},     {"dense_layers", &m->dense_layers},
      {"dense_ffn", &m->dense_ffn},           {"shared_experts", &m->shared_experts}};
  for (const auto& [key, field] : counts) FLEETLAB_RETURN_IF_ERROR(ReadCount(r, key, field));
  FLEETLAB_RETURN_IF_ERROR(CheckMla(r, *m));
  if (m->local_layers > m->layers) {
    return Invalid("local_layers", fmt::format("must be at most layers ({}) (got {})", m->layers, m->local_layers));
  }
  if ((m->local_layers > 0) != (m->sliding_window > 0)) {
    return Invalid("sliding_window", "give sliding_window and local_layers together, each >= 1");
  }
  if (m->dense_layers >= m->layers) {
    return Invalid("dense_layers", fmt::format("must be less than layers ({}) (got {})", m->layers, m->dense_layers));
  }
  if ((m->dense_layers > 0) != (m->dense_ffn > 0)) {
    return Invalid("dense_ffn", "give dense_layers and dense_ffn together, each >= 1");
  }
  if (m->experts == 1 && (m->dense_layers > 0 || m->shared_experts > 0)) {
    return Invalid(m->dense_layers > 0 ? "dense_layers" : "shared_experts", "applies only to MoE models (experts > 1)");
  }
  return Status::Ok();
}

}  // namespace fleetlab::catalog_internal
