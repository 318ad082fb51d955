#include "llm/catalog_engines.h"

#include <utility>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace fleetlab::catalog_internal {
namespace {

using nlohmann::json;

// One name table per enum: parsing, printing and the list of allowed names
// all come from it.
template <typename E>
struct Named {
  E value;
  const char* name;
};
constexpr Named<BatchingPolicy> kPolicies[] = {{BatchingPolicy::kStatic, "static"},
                                               {BatchingPolicy::kDynamic, "dynamic"},
                                               {BatchingPolicy::kContinuous, "continuous"},
                                               {BatchingPolicy::kChunkedPrefill, "chunked_prefill"}};
constexpr Named<CapacityPolicy> kCapacities[] = {{CapacityPolicy::kMaxUtilization, "max_utilization"},
                                                 {CapacityPolicy::kGuaranteedNoEvict, "guaranteed_no_evict"}};
constexpr Named<MemoryCapacity> kMemoryCapacities[] = {{MemoryCapacity::kNominal, "nominal"},
                                                       {MemoryCapacity::kDevice, "device"}};
constexpr Named<MemoryBudget> kBudgets[] = {{MemoryBudget::kFractionOfTotal, "fraction_of_total"},
                                            {MemoryBudget::kFractionOfFree, "fraction_of_free"}};

template <typename E, std::size_t N>
const char* NameOf(const Named<E> (&table)[N], E value) {
  for (const auto& row : table) {
    if (row.value == value) return row.name;
  }
  return "?";
}

template <typename E, std::size_t N>
Status Read(FieldReader& r, const char* key, const Named<E> (&table)[N], E* out) {
  std::vector<std::string> names;
  int index = 0;
  for (std::size_t i = 0; i < N; ++i) {
    names.emplace_back(table[i].name);
    if (table[i].value == *out) index = static_cast<int>(i);
  }
  FLEETLAB_RETURN_IF_ERROR(r.Choice(key, names, &index));
  *out = table[static_cast<std::size_t>(index)].value;
  return Status::Ok();
}

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
  FLEETLAB_RETURN_IF_ERROR(Read(r, "policy", kPolicies, &e->policy));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("chunk_prompts", &e->chunk_prompts));
  FLEETLAB_RETURN_IF_ERROR(Read(r, "capacity", kCapacities, &e->capacity));
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
  FLEETLAB_RETURN_IF_ERROR(Read(r, "budget", kBudgets, &e->budget));
  FLEETLAB_RETURN_IF_ERROR(r.Number("fraction", &e->memory_fraction, Range{0, 1, true, false}));
  FLEETLAB_RETURN_IF_ERROR(r.Number("reserved_gib", &e->reserved_gib, Range::Between(0, 1024)));
  e->reserved_gib_multi_gpu = e->reserved_gib;
  FLEETLAB_RETURN_IF_ERROR(r.Number("reserved_gib_multi_gpu", &e->reserved_gib_multi_gpu, Range::Between(0, 1024)));
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
  return r.Bool("prefix_caching", &e->prefix_caching);
}

const char* BatchingPolicyName(BatchingPolicy p) { return NameOf(kPolicies, p); }
const char* CapacityPolicyName(CapacityPolicy p) { return NameOf(kCapacities, p); }
const char* MemoryCapacityName(MemoryCapacity c) { return NameOf(kMemoryCapacities, c); }
Status ReadBatchingPolicy(FieldReader& r, const char* key, BatchingPolicy* out) { return Read(r, key, kPolicies, out); }
Status ReadCapacityPolicy(FieldReader& r, const char* key, CapacityPolicy* out) { return Read(r, key, kCapacities, out); }
Status ReadMemoryCapacity(FieldReader& r, const char* key, MemoryCapacity* out) {
  return Read(r, key, kMemoryCapacities, out);
}

}  // namespace fleetlab::catalog_internal
