#include "llm/catalog/catalog_engines.h"

#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fleetlab::catalog_internal {
namespace {

using nlohmann::json;

Status ReadStrings(const json* list, const std::string& path, std::vector<std::string>* out) {
  if (list == nullptr) return Status::Ok();
  if (!list->is_array()) return Status::InvalidArgument(path + ": must be a list of GPU ids " + Got(*list));
  for (const json& e : *list) {
    if (!e.is_string()) return Status::InvalidArgument(path + ": must be a list of GPU ids " + Got(e));
    out->push_back(e.get<std::string>());
  }
  return Status::Ok();
}

Status ParseEngineScheduler(const json& v, EngineSpec* e) {
  FieldReader r(v, "scheduler");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Enum("policy", kBatchingPolicyNames, &e->policy));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("chunk_prompts", &e->chunk_prompts));
  FLEETLAB_RETURN_IF_ERROR(r.Enum("capacity", kCapacityPolicyNames, &e->capacity));
  std::uint64_t running = e->max_running, tokens = e->max_batch_tokens;
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_running", &running, Range::Between(1, 1e6)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_batch_tokens", &tokens, Range::Between(1, 1e8)));
  std::uint64_t running_large = running, tokens_large = tokens;
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_running_large", &running_large, Range::Between(1, 1e6)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_batch_tokens_large", &tokens_large, Range::Between(1, 1e8)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("large_gpu_min_gib", &e->large_gpu_min_gib, Range::Between(0, 1e6)));
  FLEETLAB_RETURN_IF_ERROR(ReadStrings(r.Child("large_gpu_except"), r.PathOf("large_gpu_except"), &e->large_gpu_except));
  e->max_running = static_cast<std::int64_t>(running);
  e->max_batch_tokens = static_cast<std::int64_t>(tokens);
  e->max_running_large = static_cast<std::int64_t>(running_large);
  e->max_batch_tokens_large = static_cast<std::int64_t>(tokens_large);
  return r.Finish();
}

Status ParseEngineMemory(const json& v, EngineSpec* e) {
  FieldReader r(v, "memory");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Enum("budget", kMemoryBudgetNames, &e->budget));
  FLEETLAB_RETURN_IF_ERROR(r.Number("fraction", &e->memory_fraction, Range{0, 1, true, false}));
  FLEETLAB_RETURN_IF_ERROR(r.Number("reserved_gib", &e->reserved_gib, Range::Between(0, 1024)));
  e->reserved_gib_multi_gpu = e->reserved_gib;
  FLEETLAB_RETURN_IF_ERROR(r.Number("reserved_gib_multi_gpu", &e->reserved_gib_multi_gpu, Range::Between(0, 1024)));
  return r.Finish();
}

Status ParseEngineCpu(const json& v, EngineSpec* e) {
  FieldReader r(v, "cpu_overhead");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Number("per_iteration_ms", &e->iteration_overhead_ms, Range::Between(0, 1e4)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("per_sequence_ms", &e->sequence_overhead_ms, Range::Between(0, 1e3)));
  return r.Finish();
}

}  // namespace

Status ParseEngineFields(FieldReader& r, EngineSpec* e) {
  for (const char* key : {"id", "name", "scheduler", "memory"}) {
    if (!r.Has(key)) return Status::InvalidArgument(fmt::format("{}: missing (required)", key));
  }
  FLEETLAB_RETURN_IF_ERROR(r.String("id", &e->id));
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &e->name));
  FLEETLAB_RETURN_IF_ERROR(ParseEngineScheduler(*r.Child("scheduler"), e));
  FLEETLAB_RETURN_IF_ERROR(ParseEngineMemory(*r.Child("memory"), e));
  if (const json* cpu = r.Child("cpu_overhead")) FLEETLAB_RETURN_IF_ERROR(ParseEngineCpu(*cpu, e));
  return r.Bool("prefix_caching", &e->prefix_caching);
}

}  // namespace fleetlab::catalog_internal
