// The planner (planner.h): the tp x pp splits of a GPU budget, and with
// search_replicas their data-parallel replicas, judged by the roofline for
// one request alone, by a short closed-loop simulation at saturation and
// with a rate by a short run of the fleet (planner_rank.cc); and the users a
// paged or contiguous KV cache holds.
#include "planner/planner.h"

#include <algorithm>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <thread>
#include <utility>
#include <variant>

#include <fmt/format.h>

#include "fleetlab/runner.h"
#include "fleetlab/scenario/scenario.h"
#include "planner/planner_internal.h"
#include "planner/planner_rank.h"

namespace fleetlab {
namespace {

constexpr int kMaxGpus = 1024;
constexpr std::int64_t kPlanBlockTokens = 16;  // vLLM's default block

std::int64_t CeilDiv(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

Status Unknown(const char* flag, const char* kind, const std::string& id, const std::string& known) {
  return Status::InvalidArgument(fmt::format("{}: unknown {} \"{}\"; known: {}", flag, kind, id, known));
}

// "replica.tp: must divide ..." -> "<prefix>tp: must divide ...". With the
// prefix "--" the field becomes the flag: "replica.attention_dp: ..." ->
// "--attention-dp: ...".
std::string Reprefix(const std::string& message, const std::string& prefix) {
  const std::string from = "replica.";
  if (message.rfind(from, 0) != 0) return message;
  std::string field = message.substr(from.size(), message.find(':') - from.size());
  if (prefix == "--") std::replace(field.begin(), field.end(), '_', '-');
  return prefix + field + message.substr(from.size() + field.size());
}

Status ResolveLink(const std::string& id, const char* flag, const Catalog& c, LinkSpec* out) {
  const LinkSpec* link = c.FindLink(id);
  if (link == nullptr) return Unknown(flag, "link", id, c.LinkIds());
  *out = *link;
  return Status::Ok();
}

// The model, GPU, links and dtypes of every split (tp = pp = 1 here).
Result<ReplicaHardware> BaseHardware(const std::string& model, const std::string& gpu, const Catalog& c) {
  const ModelSpec* m = c.FindModel(model);
  if (m == nullptr) return Unknown("--model", "model", model, c.ModelIds());
  if (!m->IsDecoder()) {
    return Status::InvalidArgument(fmt::format("--model: {} is {} model; plan sizes decoder LLMs", model,
                                               m->IsEncoder() ? "an encoder" : "a layer-list"));
  }
  const GpuSpec* g = c.FindGpu(gpu);
  if (g == nullptr) return Unknown("--gpu", "GPU", gpu, c.GpuIds());
  ReplicaHardware hw;
  hw.model = *m;
  hw.gpu = *g;
  FLEETLAB_RETURN_IF_ERROR(ResolveLink(g->scale_up_link, "--gpu", c, &hw.tp_link));
  hw.pp_link = hw.tp_link;
  return hw;
}

Result<ReplicaHardware> PlanHardware(const PlanRequest& r, const Catalog& c) {
  auto hw = BaseHardware(r.model, r.gpu, c);
  if (!hw.ok()) return hw.status();
  if (!r.tp_link.empty()) FLEETLAB_RETURN_IF_ERROR(ResolveLink(r.tp_link, "--tp-link", c, &hw->tp_link));
  if (!r.pp_link.empty()) FLEETLAB_RETURN_IF_ERROR(ResolveLink(r.pp_link, "--pp-link", c, &hw->pp_link));
  hw->weight_dtype = r.weight_dtype;
  hw->activation_dtype = r.activation_dtype;
  hw->kv_dtype = r.kv_dtype;
  hw->weight_gathered = r.weight_gathered;
  if (!hw->gpu.PeakFlops(r.activation_dtype)) {
    return Status::InvalidArgument(fmt::format("{} has no {} math for the activations", hw->gpu.id,
                                               DTypeName(r.activation_dtype)));
  }
  return hw;
}

Status CheckPlanRequest(const PlanRequest& r, const ModelSpec& m) {
  if (r.gpus < 1 || r.gpus > kMaxGpus) {
    return Status::InvalidArgument(fmt::format("--gpus: must be between 1 and {} (got {})", kMaxGpus, r.gpus));
  }
  if (r.prompt < 1) return Status::InvalidArgument(fmt::format("--prompt: must be >= 1 token (got {})", r.prompt));
  if (r.output < 1) return Status::InvalidArgument(fmt::format("--output: must be >= 1 token (got {})", r.output));
  if (r.prompt + r.output > m.max_context) {
    return Status::InvalidArgument(fmt::format("--output: prompt + output = {} tokens exceed {}'s max context of {}",
                                               r.prompt + r.output, m.id, m.max_context));
  }
  for (const auto& [flag, slo] : {std::pair{"--ttft-slo", r.ttft_slo_s}, std::pair{"--tpot-slo", r.tpot_slo_s}}) {
    if (!(slo >= 0 && slo <= 1e6)) {  // the lab server's bound too (1e9 ms); inf had passed as met
      return Status::InvalidArgument(fmt::format("{}: must be between 0 and 1e6 s, 0 for no objective (got {:g} s)",
                                                 flag, slo));
    }
  }
  if (r.max_running_per_engine < 0) return Status::InvalidArgument("max_running_per_engine must be >= 0");
  if (!(r.rate_per_s >= 0) || r.rate_per_s > 1e6) {
    return Status::InvalidArgument(fmt::format("--rate: must be between 0 and 1e6 requests/s (got {})", r.rate_per_s));
  }
  if (r.search_disaggregation && r.rate_per_s <= 0) {
    return Status::InvalidArgument("--disaggregation: needs --rate > 0: a disaggregated configuration is judged "
                                   "only under a stated load (its P99 TTFT and TPOT at that rate)");
  }
  for (const auto& [flag, cv] : {std::pair{"--prompt-cv", r.prompt_cv}, std::pair{"--output-cv", r.output_cv}}) {
    if (!(cv >= 0) || cv > 100) return Status::InvalidArgument(fmt::format("{}: must be between 0 and 100 (got {})", flag, cv));
  }
  return Status::Ok();
}

IterationShape PrefillShape(std::int64_t prompt) {
  IterationShape s;
  s.prefill_tokens = prompt;
  s.prefill_attention_pairs = static_cast<double>(prompt) * static_cast<double>(prompt + 1) / 2;
  return s;
}

IterationShape DecodeShape(std::int64_t context) {
  IterationShape s;
  s.decode_sequences = s.decode_tokens = 1;
  s.decode_context_tokens = context;
  return s;
}

// A closed loop of `users` with zero think time and fixed sizes.
Scenario SaturationScenario(const ReplicaOptions& replica, std::int64_t users, const PlanRequest& r) {
  Scenario s;
  s.name = fmt::format("plan TP{} PP{}", replica.hardware.tp, replica.hardware.pp);
  s.seed = r.seed;
  WorkloadOptions& w = s.workload;
  w.mode = LoadMode::kClosed;
  w.closed.users = static_cast<std::uint32_t>(users);
  w.closed.think_time_s = Distribution::Deterministic(0.0);
  w.sizes.prompt_tokens = Distribution::Deterministic(static_cast<double>(r.prompt));
  w.sizes.output_tokens = Distribution::Deterministic(static_cast<double>(r.output));
  const auto n = static_cast<std::uint64_t>(users);
  w.warmup_requests = std::max(r.warmup, n);
  w.requests = std::max(r.requests, w.warmup_requests + 2 * n);
  s.system = ReplicaSystem{replica, std::nullopt, {}};
  return s;
}

// Running sequences per pipeline slot in the saturation run: the request's,
// else the replica's (its engine's max_num_seqs, or 256).
std::int64_t MaxRunning(const PlanRequest& r, const ReplicaOptions& replica) {
  return r.max_running_per_engine > 0 ? r.max_running_per_engine : replica.scheduler.max_running;
}

// Fills the saturation fields from a simulation of `users` users.
Status Simulate(const ReplicaOptions& replica, const PlanRequest& r, SplitPlan* p) {
  const std::int64_t running = MaxRunning(r, replica);  // per pipeline slot
  p->users_simulated = std::min(p->max_users, running * p->pp);
  ReplicaOptions o = replica;
  o.scheduler.max_running = running;  // the memory stays the replica's (as max_users counted it)
  o.slo.ttft_s = r.ttft_slo_s;
  o.slo.tpot_s = r.tpot_slo_s;
  RunHooks hooks;
  hooks.cancel = r.cancel;
  hooks.kv_heatmap = false;
  auto report = RunScenario(SaturationScenario(o, p->users_simulated, r), hooks);
  if (!report.ok()) return report.status().WithContext(fmt::format("simulating TP{} PP{}", p->tp, p->pp));
  if (!report->llm) return Status::InvalidArgument("the simulation did not report an LLM replica");
  const LlmReport& llm = *report->llm;
  // Output tokens over the arrival window, all of it saturated. Completions
  // would mislead here: the run measures about two cycles of the users, who
  // finish in waves, so a window that opens as one wave leaves counts up to
  // a whole wave too many. With fixed output lengths the request rate follows.
  p->saturation_tokens_per_s = llm.output_tokens_per_s;
  p->saturation_rps = llm.output_tokens_per_s / static_cast<double>(std::max<std::int64_t>(1, r.output));
  p->p99_ttft_s_at_saturation = llm.ttft_ms.p99 / 1e3;
  p->mean_batch_at_saturation = llm.mean_batch_size;
  p->usd_per_million_output_tokens = llm.usd_per_million_output_tokens;
  return Status::Ok();
}

// Roofline and memory of one split; fits is false (with the reason) when
// the sharding is invalid or the memory does not hold one request.
SplitPlan Judge(const ReplicaOptions& o, const PlanRequest& r, std::unique_ptr<PerfModel>* perf) {
  SplitPlan p;
  p.tp = o.hardware.tp;
  p.pp = o.hardware.pp;
  auto model = MakeRooflineModel(o.hardware);
  if (!model.ok()) {
    p.reason = Reprefix(model.status().message(), "");
    return p;
  }
  const MemoryPlan memory = PlanMemory(o.hardware, o.memory);
  if (!memory.fits) {
    p.reason = memory.reason;
    return p;
  }
  const std::int64_t per_user = CeilDiv(r.prompt + r.output, kPlanBlockTokens) * kPlanBlockTokens;
  p.max_users = memory.kv_capacity.value() / per_user;
  if (p.max_users < 1) {
    p.reason = fmt::format("only {} tokens of KV cache fit, fewer than one request's {} ({} blocks of {})",
                           memory.kv_capacity.value(), per_user, per_user / kPlanBlockTokens, kPlanBlockTokens);
    return p;
  }
  p.fits = true;
  *perf = std::move(model).value();
  return p;
}

// Roofline, memory and (r.simulate) saturation of one replica of TP tp x PP
// pp; the run at the rate waits for the replica count (JudgeAtRate).
Result<Evaluated> PlanOne(const ReplicaHardware& base, int tp, int pp, const PlanRequest& r, const Catalog& c) {
  ReplicaHardware hw = base;
  hw.tp = tp;
  hw.pp = pp;
  if (r.tp_link.empty()) FLEETLAB_RETURN_IF_ERROR(ResolveLink(DefaultTpLink(hw.gpu, tp), "--gpu", c, &hw.tp_link));
  if (r.pp_link.empty()) FLEETLAB_RETURN_IF_ERROR(ResolveLink(DefaultPpLink(hw.gpu, tp, pp), "--gpu", c, &hw.pp_link));
  auto options = DefaultReplicaOptions(hw, c, r.engine);
  if (!options.ok()) return options.status();
  std::unique_ptr<PerfModel> perf;
  Evaluated e{*options, Judge(*options, r, &perf)};
  SplitPlan& p = e.plan;
  if (options->hardware.calibration) p.calibration = options->hardware.calibration->id;
  p.max_running = MaxRunning(r, *options);
  if (!p.fits) return e;
  p.ttft_breakdown = perf->Iteration(PrefillShape(r.prompt));
  p.ttft_s = p.ttft_breakdown.total_s;
  p.tpot_s = perf->Iteration(DecodeShape(r.prompt + r.output / 2)).total_s;
  if (r.simulate) FLEETLAB_RETURN_IF_ERROR(Simulate(*options, r, &p));
  return e;
}

// The splits tried: (tp, pp) with tp x pp = g for every replica size g (g =
// gpus alone without search_replicas; every divisor of gpus with it), tp
// dividing g. REQUIRES: gpus >= 1.
std::vector<std::pair<int, int>> Splits(int gpus, bool search_replicas) {
  std::vector<std::pair<int, int>> out;
  for (int g = search_replicas ? 1 : gpus; g <= gpus; ++g) {
    if (gpus % g != 0) continue;
    for (int tp = 1; tp <= g; ++tp) {
      if (g % tp == 0) out.emplace_back(tp, g / tp);
    }
  }
  return out;
}

// One replica's plan as a fleet of `replicas`: the additive figures scaled.
SplitPlan WithReplicas(const SplitPlan& one, int replicas) {
  SplitPlan p = one;
  p.replicas = replicas;
  p.max_users *= replicas;
  p.saturation_rps *= replicas;
  p.saturation_tokens_per_s *= replicas;
  return p;
}

// Every configuration of the evaluated splits: a fitting split with 1 ..
// gpus / (tp x pp) replicas (1 without search_replicas), a non-fitting one once.
std::vector<std::pair<std::size_t, SplitPlan>> Configurations(const std::vector<Evaluated>& splits,
                                                              const PlanRequest& r) {
  std::vector<std::pair<std::size_t, SplitPlan>> out;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    const SplitPlan& one = splits[i].plan;
    const int most = r.search_replicas && one.fits ? r.gpus / (one.tp * one.pp) : 1;
    for (int n = 1; n <= most; ++n) out.emplace_back(i, WithReplicas(one, n));
  }
  return out;
}

// Calls fn(0) .. fn(n - 1) on up to hardware_concurrency threads.
// RunScenario is safe to call from several threads (runner.h).
void ForEachInParallel(std::size_t n, const std::function<void(std::size_t)>& fn) {
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t i = next++; i < n; i = next++) fn(i);
  };
  const std::size_t threads = std::min<std::size_t>(n, std::max(1u, std::thread::hardware_concurrency()));
  std::vector<std::thread> pool;
  for (std::size_t t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
}

// Every split of Splits(), evaluated in parallel, in that order.
Result<std::vector<Evaluated>> EvaluateSplits(const ReplicaHardware& base, const PlanRequest& r, const Catalog& c) {
  const auto splits = Splits(r.gpus, r.search_replicas);
  std::vector<std::optional<Result<Evaluated>>> results(splits.size());
  ForEachInParallel(splits.size(), [&](std::size_t i) {
    results[i] = PlanOne(base, splits[i].first, splits[i].second, r, c);
  });
  std::vector<Evaluated> out;
  for (auto& result : results) {
    if (!result->ok()) return result->status();
    out.push_back(std::move(*result).value());
  }
  return out;
}

Status CheckMemoryRequest(const MemoryRequest& r, const ModelSpec& m) {
  for (const auto& [flag, value] : {std::pair{"--tp", r.tp}, std::pair{"--pp", r.pp}, std::pair{"--ep", r.ep},
                                    std::pair{"--attention-dp", r.attention_dp}}) {
    if (value < 1 || value > kMaxGpus) {
      return Status::InvalidArgument(fmt::format("{}: must be between 1 and {} (got {})", flag, kMaxGpus, value));
    }
  }
  if (r.block_tokens < 1) {
    return Status::InvalidArgument(fmt::format("--block-size: must be >= 1 token (got {})", r.block_tokens));
  }
  if (r.context < 1 || r.context > m.max_context) {
    return Status::InvalidArgument(fmt::format("--context: must be between 1 and {}'s max context {} (got {})", m.id,
                                               m.max_context, r.context));
  }
  return Status::Ok();
}

void CountUsers(const MemoryRequest& r, MemoryReport* m) {
  m->slots_per_user_paged = CeilDiv(r.context, r.block_tokens) * r.block_tokens;
  m->slots_per_user_contiguous = ReservationTokens(r.reservation, r.context, m->max_model_len);
  if (!m->plan.fits) return;
  const std::int64_t capacity = m->plan.kv_capacity.value();
  m->users_paged = (capacity / r.block_tokens) / CeilDiv(r.context, r.block_tokens);
  m->users_contiguous = capacity / m->slots_per_user_contiguous;
  if (m->users_contiguous > 0) {
    m->paged_over_contiguous = static_cast<double>(m->users_paged) / static_cast<double>(m->users_contiguous);
  }
}

}  // namespace

Result<Evaluated> EvaluateSplit(const ReplicaHardware& base, int tp, int pp, const PlanRequest& r, const Catalog& c) {
  return PlanOne(base, tp, pp, r, c);
}

void RunInParallel(std::size_t n, const std::function<void(std::size_t)>& fn) { ForEachInParallel(n, fn); }

Result<ReplicaOptions> DefaultReplicaOptions(const ReplicaHardware& hw, const Catalog& catalog,
                                             const std::string& engine) {
  ReplicaOptions o;
  o.hardware = hw;
  const HostSpec* host = catalog.FindHost("cpu-host");
  if (host == nullptr) return Status::NotFound("the catalog has no host \"cpu-host\"");
  o.host = *host;
  if (const LinkSpec* link = catalog.FindLink(host->link_to_gpu)) o.host_link = *link;
  o.price_per_gpu_hour_usd = hw.gpu.price_per_hour_usd;
  o.scheduler.max_model_len = hw.model.max_context;
  if (!engine.empty()) {
    const EngineSpec* e = catalog.FindEngine(engine);
    if (e == nullptr) return Unknown("--engine", "engine", engine, catalog.EngineIds());
    ApplyEngineDefaults(*e, &o);
    const CalibrationProfile* p = hw.weight_dtype == hw.activation_dtype
                                      ? catalog.CalibrationFor(hw.gpu.id, hw.activation_dtype, e->id)
                                      : nullptr;
    if (p != nullptr) ApplyCalibrationProfile(*p, &o);
  }
  o.memory.max_batch_tokens = o.scheduler.max_batch_tokens;
  o.memory.max_sequences = o.scheduler.max_running * hw.pp;
  return o;
}

std::int64_t PlanConfigurationCount(int gpus, bool search_replicas) {
  if (gpus < 1 || gpus > kMaxGpus) return 0;
  std::int64_t n = 0;
  for (const auto& [tp, pp] : Splits(gpus, search_replicas)) n += search_replicas ? gpus / (tp * pp) : 1;
  return n;
}

Result<std::vector<SplitPlan>> PlanSplits(const PlanRequest& r, const Catalog& c) {
  auto base = PlanHardware(r, c);
  if (!base.ok()) return base.status();
  FLEETLAB_RETURN_IF_ERROR(CheckPlanRequest(r, base->model));
  auto splits = EvaluateSplits(*base, r, c);
  if (!splits.ok()) return splits.status();
  auto configs = Configurations(*splits, r);
  std::vector<Status> done(configs.size());
  ForEachInParallel(configs.size(), [&](std::size_t i) {
    auto& [split, plan] = configs[i];
    if (plan.fits && r.rate_per_s > 0) done[i] = SimulateAtRate((*splits)[split].options, r, &plan);
    Score(r, (*splits)[split].options.price_per_gpu_hour_usd, &plan);
  });
  std::vector<SplitPlan> plans;
  for (std::size_t i = 0; i < configs.size(); ++i) {
    if (!done[i].ok()) return done[i];
    plans.push_back(std::move(configs[i].second));
  }
  if (r.search_disaggregation) {
    auto disaggregated = PlanDisaggregated(*base, r, c);
    if (!disaggregated.ok()) return disaggregated.status();
    plans.insert(plans.end(), disaggregated->begin(), disaggregated->end());
  }
  const bool by_goodput = r.rate_per_s > 0;
  std::stable_sort(plans.begin(), plans.end(),
                   [by_goodput](const SplitPlan& a, const SplitPlan& b) { return Better(a, b, by_goodput); });
  return plans;
}

Result<MemoryReport> PlanUsers(const MemoryRequest& r, const Catalog& c) {
  auto hw = BaseHardware(r.model, r.gpu, c);
  if (!hw.ok()) return hw.status();
  FLEETLAB_RETURN_IF_ERROR(CheckMemoryRequest(r, hw->model));
  hw->tp = r.tp;
  hw->pp = r.pp;
  hw->ep = r.ep;
  hw->attention_dp = r.attention_dp;
  FLEETLAB_RETURN_IF_ERROR(ResolveLink(DefaultEpLink(hw->gpu, hw->gpus_per_stage()), "--gpu", c, &hw->ep_link));
  hw->weight_dtype = r.weight_dtype;
  hw->activation_dtype = r.activation_dtype;
  hw->kv_dtype = r.kv_dtype;
  auto perf = MakeRooflineModel(*hw);  // validates the sharding and dtypes
  if (!perf.ok()) return Status::InvalidArgument(Reprefix(perf.status().message(), "--"));
  auto options = DefaultReplicaOptions(*hw, c, r.engine);
  if (!options.ok()) return options.status();
  MemoryReport m;
  m.plan = PlanMemory(*hw, options->memory);
  m.max_model_len = options->scheduler.max_model_len;
  CountUsers(r, &m);
  return m;
}

}  // namespace fleetlab
