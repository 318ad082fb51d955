#include "scenario/replica_parse.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;

Status Unknown(const std::string& path, const std::string& kind, const std::string& id, const std::string& known) {
  return Status::InvalidArgument(fmt::format("{}: unknown {} \"{}\"; known: {}", path, kind, id, known));
}

Status ReadDType(FieldReader& r, const char* key, DType* out) {
  std::string name = DTypeName(*out);
  FLEETLAB_RETURN_IF_ERROR(r.String(key, &name));
  const auto d = ParseDType(name);
  if (!d) {
    return Status::InvalidArgument(fmt::format("{}: must be one of \"fp32\", \"bf16\", \"fp16\", \"fp8\", \"int8\", "
                                               "\"int4\", \"nvfp4\", \"mxfp4\" (got \"{}\")", r.PathOf(key), name));
  }
  *out = *d;
  return Status::Ok();
}

Status ParseDTypes(const json& v, ReplicaHardware* hw) {
  FieldReader r(v, "replica.dtype");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(ReadDType(r, "weights", &hw->weight_dtype));
  FLEETLAB_RETURN_IF_ERROR(ReadDType(r, "activations", &hw->activation_dtype));
  FLEETLAB_RETURN_IF_ERROR(ReadDType(r, "kv", &hw->kv_dtype));
  return r.Finish();
}

Status ParseEfficiency(const json& v, PerfEfficiency* e) {
  FieldReader r(v, "replica.efficiency");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  const Range fraction{0, 1, true, false};
  FLEETLAB_RETURN_IF_ERROR(r.Number("matmul", &e->matmul, fraction));
  FLEETLAB_RETURN_IF_ERROR(r.Number("attention", &e->attention, fraction));
  FLEETLAB_RETURN_IF_ERROR(r.Number("memory", &e->memory, fraction));
  FLEETLAB_RETURN_IF_ERROR(r.Number("link", &e->link, fraction));
  return r.Finish();
}

Status ParseScheduler(const json& v, SchedulerOptions* s) {
  FieldReader r(v, "replica.scheduler");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Enum("policy", kBatchingPolicyNames, &s->policy));
  FLEETLAB_RETURN_IF_ERROR(r.Enum("capacity", kCapacityPolicyNames, &s->capacity));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("chunk_prompts", &s->chunk_prompts));
  std::uint64_t running = s->max_running, tokens = s->max_batch_tokens, len = 0, batch = s->max_batch;
  std::uint64_t steps = static_cast<std::uint64_t>(s->steps_per_schedule);
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_running", &running, Range::Between(1, 1e6)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_batch_tokens", &tokens, Range::Between(1, 1e8)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_model_len", &len, Range::Between(0, 1e8)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("max_batch", &batch, Range::Between(1, 1e6)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("steps_per_schedule", &steps, Range::Between(1, 1024)));
  FLEETLAB_RETURN_IF_ERROR(
      r.Time("batch_window_ms", &s->batch_window_s, TimeUnit::kMilliseconds, TimeRange::UpTo(1e4)));
  if (steps > 1 && s->policy != BatchingPolicy::kContinuous) {
    return Status::InvalidArgument(fmt::format(
        "replica.scheduler.steps_per_schedule: {} applies only to policy \"continuous\" (vLLM V0's multi-step "
        "scheduling); give 1 or policy \"continuous\"",
        steps));
  }
  s->max_running = static_cast<std::int64_t>(running);
  s->max_batch_tokens = static_cast<std::int64_t>(tokens);
  s->max_model_len = static_cast<std::int64_t>(len);
  s->max_batch = static_cast<std::int64_t>(batch);
  s->steps_per_schedule = static_cast<std::int64_t>(steps);
  return r.Finish();
}

Status ParseKv(const json& v, KvOptions* kv) {
  FieldReader r(v, "replica.kv");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Enum("allocator", KvCacheOptions::kKindNames, &kv->cache.kind));
  std::uint64_t block = static_cast<std::uint64_t>(kv->cache.block_tokens.value());
  FLEETLAB_RETURN_IF_ERROR(r.Integer("block_tokens", &block, Range::Between(1, 65536)));
  kv->cache.block_tokens = Tokens(static_cast<std::int64_t>(block));
  FLEETLAB_RETURN_IF_ERROR(r.Enum("reservation", kReservationPolicyNames, &kv->reservation));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("prefix_caching", &kv->cache.prefix_caching));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  const bool paged = kv->cache.kind == KvCacheOptions::Kind::kPaged;
  if (r.Has("reservation") && paged) {
    return Status::InvalidArgument("replica.kv.reservation: applies only when allocator is \"contiguous\"");
  }
  if (kv->cache.prefix_caching && !paged) {
    return Status::InvalidArgument("replica.kv.prefix_caching: needs allocator \"paged\" (shared blocks)");
  }
  return Status::Ok();
}

Status ParsePreemption(const json& v, PreemptionOptions* p) {
  FieldReader r(v, "replica.preemption");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  VictimPolicy victim = p->victim;
  PreemptionMode mode = p->mode;
  BudgetAction action = p->on_budget;
  FLEETLAB_RETURN_IF_ERROR(r.Enum("victim", kVictimPolicyNames, &victim));
  FLEETLAB_RETURN_IF_ERROR(r.Enum("mode", kPreemptionModeNames, &mode));
  FLEETLAB_RETURN_IF_ERROR(r.Enum("on_budget", kBudgetActionNames, &action));
  std::uint64_t budget = static_cast<std::uint64_t>(p->budget);
  FLEETLAB_RETURN_IF_ERROR(r.Integer("budget", &budget, Range::Between(0, 1e6)));
  double swap_gib = p->swap_space_bytes / kBytesPerGiB;
  FLEETLAB_RETURN_IF_ERROR(r.Number("swap_space_gib", &swap_gib, Range::Between(0, 1e5)));
  p->victim = victim;
  p->mode = mode;
  p->on_budget = action;
  p->budget = static_cast<std::int64_t>(budget);
  p->swap_space_bytes = swap_gib * kBytesPerGiB;
  return r.Finish();
}

Status ParseSpeculative(const json& v, const Catalog& catalog, SpeculativeOptions* s) {
  FieldReader r(v, "replica.speculative");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  s->enabled = true;
  FLEETLAB_RETURN_IF_ERROR(r.Bool("enabled", &s->enabled));
  std::string draft = "ngram";
  FLEETLAB_RETURN_IF_ERROR(r.String("draft", &draft));
  std::uint64_t gamma = static_cast<std::uint64_t>(s->gamma);
  FLEETLAB_RETURN_IF_ERROR(r.Integer("gamma", &gamma, Range::Between(1, 64)));
  s->gamma = static_cast<std::int64_t>(gamma);
  FLEETLAB_RETURN_IF_ERROR(r.Number("acceptance", &s->acceptance, Range::Between(0, 1)));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  s->draft_is_ngram = draft == "ngram";
  if (!s->draft_is_ngram) {
    const ModelSpec* m = catalog.FindModel(draft);
    if (m == nullptr) return Unknown("replica.speculative.draft", "model", draft, "\"ngram\", " + catalog.ModelIds());
    s->draft = *m;
  }
  return Status::Ok();
}

Status ParseSlo(const json& v, SloOptions* s) {
  FieldReader r(v, "replica.slo");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Time("ttft_ms", &s->ttft_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Time("tpot_ms", &s->tpot_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  return r.Finish();
}

Status ResolveLink(FieldReader& r, const char* key, const std::string& fallback, const Catalog& c, LinkSpec* out) {
  std::string id = fallback;
  FLEETLAB_RETURN_IF_ERROR(r.String(key, &id));
  const LinkSpec* link = c.FindLink(id);
  if (link == nullptr) return Unknown(r.PathOf(key), "link", id, c.LinkIds());
  *out = *link;
  return Status::Ok();
}

// TP inside a node: its two all-reduces per layer would otherwise cross the
// scale-out link. Refused unless the scenario asks for it.
Status CheckTpPlacement(const FieldReader& r, const ReplicaHardware& hw, const Catalog& c, bool asked) {
  const int per_node = hw.gpu.gpus_per_node;
  if (hw.tp <= per_node || asked) return Status::Ok();
  const LinkSpec* up = c.FindLink(hw.gpu.scale_up_link);
  const std::string scale_out = hw.gpu.ScaleOutLink();
  const LinkSpec* out = c.FindLink(scale_out);
  const auto gbps = [](const LinkSpec* l) { return l == nullptr ? 0.0 : l->bandwidth_Bps / 1e9; };
  return Status::InvalidArgument(fmt::format(
      "{}: {} GPUs of tensor parallelism would span {} nodes of {} ({} per node); TP all-reduces the activations twice "
      "a layer, and across nodes over {} at {:g} GB/s instead of {} at {:g} GB/s. Keep tp <= {} and put pp, ep or "
      "fleet replicas across nodes, or set replica.tp_across_nodes to true",
      r.PathOf("tp"), hw.tp, (hw.tp + per_node - 1) / per_node, hw.gpu.id, per_node, scale_out, gbps(out),
      hw.gpu.scale_up_link, gbps(up), per_node));
}

// The parallel layout: degrees, where they run, and their links. TP stays
// inside a node; PP, EP and attention DP may cross nodes over the scale-out
// link (docs/scenario.md, "Parallelism and placement").
Status ParseParallelism(FieldReader& r, const Catalog& c, ReplicaHardware* hw) {
  std::uint64_t ep = 1, dp = 1;
  FLEETLAB_RETURN_IF_ERROR(r.Integer("ep", &ep, Range::Between(1, 1024)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("attention_dp", &dp, Range::Between(1, 1024)));
  hw->ep = static_cast<int>(ep);
  hw->attention_dp = static_cast<int>(dp);
  FLEETLAB_RETURN_IF_ERROR(r.Number("moe_imbalance", &hw->moe_imbalance, Range::Between(1, 1024)));
  FLEETLAB_RETURN_IF_ERROR(r.Enum("mla_decode", kMlaDecodeNames, &hw->mla_decode));
  if (r.Has("mla_decode") && !hw->model.IsMla()) {
    return Status::InvalidArgument(fmt::format("{}: {} has no latent attention (MLA)", r.PathOf("mla_decode"),
                                               hw->model.id));
  }
  bool across = false;
  FLEETLAB_RETURN_IF_ERROR(r.Bool("tp_across_nodes", &across));
  FLEETLAB_RETURN_IF_ERROR(CheckTpPlacement(r, *hw, c, across));
  FLEETLAB_RETURN_IF_ERROR(ResolveLink(r, "tp_link", DefaultTpLink(hw->gpu, hw->tp), c, &hw->tp_link));
  FLEETLAB_RETURN_IF_ERROR(
      ResolveLink(r, "pp_link", DefaultPpLink(hw->gpu, hw->gpus_per_stage(), hw->pp), c, &hw->pp_link));
  return ResolveLink(r, "ep_link", DefaultEpLink(hw->gpu, hw->gpus_per_stage()), c, &hw->ep_link);
}

// The catalog entries and the numbers at the top of "replica".
Status ParseHardware(FieldReader& r, const Catalog& c, ReplicaOptions* o) {
  ReplicaHardware& hw = o->hardware;
  std::string model, gpu, host = "cpu-host";
  FLEETLAB_RETURN_IF_ERROR(r.String("model", &model));
  FLEETLAB_RETURN_IF_ERROR(r.String("gpu", &gpu));
  const ModelSpec* m = c.FindModel(model);
  if (m == nullptr) return Unknown("replica.model", "model", model, c.ModelIds());
  const GpuSpec* g = c.FindGpu(gpu);
  if (g == nullptr) return Unknown("replica.gpu", "GPU", gpu, c.GpuIds());
  hw.model = *m;
  hw.gpu = *g;
  std::uint64_t tp = 1, pp = 1;
  FLEETLAB_RETURN_IF_ERROR(r.Integer("tp", &tp, Range::Between(1, 1024)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("pp", &pp, Range::Between(1, 1024)));
  hw.tp = static_cast<int>(tp);
  hw.pp = static_cast<int>(pp);
  FLEETLAB_RETURN_IF_ERROR(r.Bool("weight_gathered", &hw.weight_gathered));
  FLEETLAB_RETURN_IF_ERROR(r.Time("sequence_overhead_ms", &hw.sequence_overhead_s, TimeUnit::kMilliseconds,
                                  TimeRange::UpTo(1)));
  FLEETLAB_RETURN_IF_ERROR(r.Time("iteration_overhead_ms", &hw.iteration_overhead_s, TimeUnit::kMilliseconds,
                                  TimeRange::UpTo(10)));
  FLEETLAB_RETURN_IF_ERROR(ParseParallelism(r, c, &hw));
  FLEETLAB_RETURN_IF_ERROR(r.String("host", &host));
  const HostSpec* h = c.FindHost(host);
  if (h == nullptr) return Unknown("replica.host", "host", host, c.HostIds());
  o->host = *h;
  const LinkSpec* host_link = c.FindLink(h->link_to_gpu);
  if (host_link != nullptr) o->host_link = *host_link;
  o->price_per_gpu_hour_usd = g->price_per_hour_usd;
  FLEETLAB_RETURN_IF_ERROR(r.Number("price_per_gpu_hour_usd", &o->price_per_gpu_hour_usd, Range::Between(0, 1e6)));
  return Status::Ok();
}

// The host overheads a scenario gives itself outlast the engine's and the
// calibration profile's: `apply` sets the defaults, then they are put back.
template <typename Apply>
void KeepGivenOverheads(const FieldReader& r, ReplicaHardware* hw, Apply apply) {
  const double iteration = hw->iteration_overhead_s, sequence = hw->sequence_overhead_s;
  apply();
  if (r.Has("iteration_overhead_ms")) hw->iteration_overhead_s = iteration;
  if (r.Has("sequence_overhead_ms")) hw->sequence_overhead_s = sequence;
}

// replica.engine: the profile's defaults, before any field overrides them.
Status ApplyEngine(FieldReader& r, const Catalog& c, ReplicaOptions* o) {
  if (!r.Has("engine")) return Status::Ok();
  std::string id;
  FLEETLAB_RETURN_IF_ERROR(r.String("engine", &id));
  const EngineSpec* e = c.FindEngine(id);
  if (e == nullptr) return Unknown("replica.engine", "engine", id, c.EngineIds());
  KeepGivenOverheads(r, &o->hardware, [&] { ApplyEngineDefaults(*e, o); });
  return Status::Ok();
}

// replica.calibration, after the engine and dtypes: "auto" (the default)
// takes the catalog's profile for this GPU, dtype and engine if there is
// one; "none" keeps the roofline's constants; an id names a profile, which
// must be for this GPU and dtype. The profile's host overheads replace the
// engine's unless the scenario gives its own; its matmul ceiling holds only
// for the engines it names.
Status ApplyCalibration(FieldReader& r, const Catalog& c, ReplicaOptions* o) {
  std::string id = "auto";
  FLEETLAB_RETURN_IF_ERROR(r.String("calibration", &id));
  ReplicaHardware& hw = o->hardware;
  const bool one_dtype = hw.weight_dtype == hw.activation_dtype;
  const CalibrationProfile* p = nullptr;
  if (id == "auto") {
    if (o->engine.empty() || !one_dtype) return Status::Ok();
    p = c.CalibrationFor(hw.gpu.id, hw.activation_dtype, o->engine);
  } else if (id != "none") {
    p = c.FindCalibration(id);
    if (p == nullptr) return Unknown("replica.calibration", "profile (or auto, none)", id, c.CalibrationIds());
    if (p->gpu != hw.gpu.id || !one_dtype || p->dtype != hw.activation_dtype) {
      return Status::InvalidArgument(fmt::format("replica.calibration: {} is for {} with {} weights and activations; "
                                                 "this replica is {} with {} weights, {} activations",
                                                 id, p->gpu, DTypeName(p->dtype), hw.gpu.id,
                                                 DTypeName(hw.weight_dtype), DTypeName(hw.activation_dtype)));
    }
  }
  if (p != nullptr) KeepGivenOverheads(r, &hw, [&] { ApplyCalibrationProfile(*p, o); });
  return Status::Ok();
}

// The memory fields of "replica", after the engine's defaults.
Status ParseMemory(FieldReader& r, MemoryOptions* m) {
  FLEETLAB_RETURN_IF_ERROR(r.Number("gpu_memory_utilization", &m->gpu_memory_utilization, Range{0, 1, true, false}));
  FLEETLAB_RETURN_IF_ERROR(r.Enum("memory_capacity", kMemoryCapacityNames, &m->capacity));
  double reserved_gib = m->reserved_bytes / kBytesPerGiB;
  FLEETLAB_RETURN_IF_ERROR(r.Number("memory_reserved_gib", &reserved_gib, Range::Between(0, 1024)));
  m->reserved_bytes = reserved_gib * kBytesPerGiB;
  return Status::Ok();
}

}  // namespace

Result<ReplicaOptions> ParseReplica(const json& value, const Catalog& catalog) {
  ReplicaOptions o;
  FieldReader r(value, "replica");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  if (!r.Has("model") || !r.Has("gpu")) {
    return Status::InvalidArgument(fmt::format("replica: needs \"model\" (one of {}) and \"gpu\" (one of {})",
                                               catalog.ModelIds(), catalog.GpuIds()));
  }
  FLEETLAB_RETURN_IF_ERROR(ParseHardware(r, catalog, &o));
  FLEETLAB_RETURN_IF_ERROR(ApplyEngine(r, catalog, &o));
  FLEETLAB_RETURN_IF_ERROR(ParseMemory(r, &o.memory));
  if (const json* d = r.Child("dtype")) FLEETLAB_RETURN_IF_ERROR(ParseDTypes(*d, &o.hardware));
  FLEETLAB_RETURN_IF_ERROR(ApplyCalibration(r, catalog, &o));
  if (const json* e = r.Child("efficiency")) FLEETLAB_RETURN_IF_ERROR(ParseEfficiency(*e, &o.hardware.efficiency));
  if (const json* s = r.Child("scheduler")) FLEETLAB_RETURN_IF_ERROR(ParseScheduler(*s, &o.scheduler));
  if (const json* k = r.Child("kv")) FLEETLAB_RETURN_IF_ERROR(ParseKv(*k, &o.kv));
  if (const json* p = r.Child("preemption")) FLEETLAB_RETURN_IF_ERROR(ParsePreemption(*p, &o.preemption));
  if (const json* s = r.Child("speculative")) FLEETLAB_RETURN_IF_ERROR(ParseSpeculative(*s, catalog, &o.speculative));
  if (const json* s = r.Child("slo")) FLEETLAB_RETURN_IF_ERROR(ParseSlo(*s, &o.slo));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (o.scheduler.max_model_len == 0) o.scheduler.max_model_len = o.hardware.model.max_context;
  if (o.scheduler.max_model_len > o.hardware.model.max_context) {
    return Status::InvalidArgument(fmt::format("replica.scheduler.max_model_len: must be at most the model's "
                                               "max_context {} (got {})", o.hardware.model.max_context,
                                               o.scheduler.max_model_len));
  }
  o.memory.max_batch_tokens = o.scheduler.max_batch_tokens;
  o.memory.max_sequences = o.scheduler.max_running * o.hardware.pp;
  return o;
}

}  // namespace fleetlab
