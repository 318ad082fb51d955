#include "llm/catalog/catalog_engines.h"

#include <algorithm>
#include <charconv>
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

// "fraction_by_tp": {"1": 0.88, "2": 0.87, ...}: minimum TP degree -> fraction.
Status ReadFractionByTp(const json* v, const std::string& path, EngineSpec* e) {
  if (v == nullptr) return Status::Ok();
  if (!v->is_object() || v->empty()) {
    return Status::InvalidArgument(path + ": must be an object of TP degree -> fraction " + Got(*v));
  }
  for (const auto& [key, value] : v->items()) {
    int tp = 0;
    const auto [end, error] = std::from_chars(key.data(), key.data() + key.size(), tp);
    if (error != std::errc{} || end != key.data() + key.size() || tp < 1 || tp > 1024) {
      return Status::InvalidArgument(fmt::format("{}: keys must be TP degrees 1 ... 1024 (got \"{}\")", path, key));
    }
    if (!value.is_number() || !(value.get<double>() > 0 && value.get<double>() <= 1)) {
      return Status::InvalidArgument(fmt::format("{}.{}: must be a fraction in (0, 1] {}", path, key, Got(value)));
    }
    e->memory_fraction_by_tp.emplace_back(tp, value.get<double>());
  }
  std::sort(e->memory_fraction_by_tp.begin(), e->memory_fraction_by_tp.end());
  return Status::Ok();
}

Status ParseEngineMemory(const json& v, EngineSpec* e) {
  FieldReader r(v, "memory");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Enum("budget", kMemoryBudgetNames, &e->budget));
  FLEETLAB_RETURN_IF_ERROR(r.Number("fraction", &e->memory_fraction, Range{0, 1, true, false}));
  FLEETLAB_RETURN_IF_ERROR(r.Number("reserved_gib", &e->reserved_gib, Range::Between(0, 1024)));
  e->reserved_gib_multi_gpu = e->reserved_gib;
  FLEETLAB_RETURN_IF_ERROR(r.Number("reserved_gib_multi_gpu", &e->reserved_gib_multi_gpu, Range::Between(0, 1024)));
  FLEETLAB_RETURN_IF_ERROR(ReadFractionByTp(r.Child("fraction_by_tp"), "memory.fraction_by_tp", e));
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
