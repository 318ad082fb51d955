#include "fleetlab/llm/replica.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <limits>
#include <span>

#include <fmt/format.h>

#include "fleetlab/llm/timeline.h"
#include "fleetlab/llm/token_cost.h"
#include "llm/replica/replica_state.h"
#include "llm/replica/replica_stats.h"
#include "llm/scheduler/scheduler.h"

namespace fleetlab {
namespace {

enum EventKind : std::uint32_t { kIterationDone = 0, kWake = 1 };

// The replica's KV allocator; `block_map`: one that can draw the map.
std::unique_ptr<KvAllocator> NewKv(const ReplicaOptions& o, Tokens capacity, bool block_map) {
  KvCacheOptions kv = o.kv.cache;
  if (o.kv.reservation == ReservationPolicy::kMaxLength) kv.min_useful = Tokens(o.scheduler.max_model_len);
  return MakeKvAllocator(kv, capacity, block_map);
}

// KV memory left once a speculative draft's weights are loaded, and the KV
// bytes per token of target and draft together.
Status AddDraft(const ReplicaOptions& o, MemoryPlan* plan, std::unique_ptr<PerfModel>* draft) {
  if (!o.speculative.enabled || o.speculative.draft_is_ngram) return Status::Ok();
  ReplicaHardware hw = o.hardware;
  hw.model = o.speculative.draft;
  hw.ep = hw.attention_dp = 1;  // a dense draft, split by TP
  auto model = MakeRooflineModel(hw);
  if (!model.ok()) return model.status().WithContext("replica.speculative.draft");
  const MemoryPlan d = PlanMemory(hw, o.memory);
  plan->kv_bytes_per_gpu -= d.weights_bytes_per_gpu;
  plan->kv_bytes_per_token_per_gpu += d.kv_bytes_per_token_per_gpu;
  plan->kv_capacity = Tokens(static_cast<std::int64_t>(std::max(0.0, plan->kv_bytes_per_gpu) /
                                                       plan->kv_bytes_per_token_per_gpu) *
                             o.hardware.attention_dp);
  *draft = std::move(model).value();
  return Status::Ok();
}

}  // namespace

struct LlmReplica::Engine {
  IterationPlan plan;
  bool busy = false;
  bool wake_pending = false;
};

class LlmReplica::Events final : public SeqEvents {
 public:
  explicit Events(LlmReplica* r) : r_(r) {}
  void OnPreempted(std::uint32_t slot, bool swapped) override {
    const Seq& s = r_->state_->seq(slot);
    std::int64_t tokens = 0;
    double seconds = 0;
    if (!swapped && s.state == SeqState::kWaiting) {  // recompute: prompt and generated tokens prefilled again
      tokens = s.prefill_target;
      IterationShape lone;
      lone.prefill_tokens = tokens;
      lone.prefill_attention_pairs = static_cast<double>(tokens) * static_cast<double>(tokens + 1) / 2;
      seconds = r_->perf_->Iteration(lone).total_s;
    }
    r_->stats_->OnPreemption(tokens, seconds);
    if (r_->timeline_ != nullptr) r_->timeline_->OnPreempted(r_->state_->seq(slot).request.id, r_->sim_->now(), swapped);
  }
  void OnFailed(std::uint32_t slot) override { r_->Fail(slot); }

 private:
  LlmReplica* r_;
};

Result<std::unique_ptr<LlmReplica>> LlmReplica::Create(std::shared_ptr<const ReplicaOptions> options,
                                                       const RandomStreams& streams, CompletionListener* listener,
                                                       std::uint64_t index, std::shared_ptr<const PerfModel> perf) {
  assert(options != nullptr);
  const ReplicaOptions& o = *options;
  if (perf == nullptr) {
    auto own = MakeRooflineModel(o.hardware);
    if (!own.ok()) return own.status();
    perf = std::move(own).value();
  }
  MemoryPlan plan = PlanMemory(o.hardware, o.memory);
  if (!plan.fits) return Status::InvalidArgument("replica: does not fit: " + plan.reason);
  std::unique_ptr<PerfModel> draft;
  FLEETLAB_RETURN_IF_ERROR(AddDraft(o, &plan, &draft));
  const std::int64_t min_tokens = o.kv.cache.block_tokens.value();
  if (plan.kv_capacity.value() < min_tokens) {
    return Status::InvalidArgument(fmt::format("replica: does not fit: after the weights only {} tokens of KV cache "
                                               "remain per replica; at least one block ({}) is needed",
                                               plan.kv_capacity.value(), min_tokens));
  }
  std::unique_ptr<LlmReplica> r(new LlmReplica(options, std::move(perf), std::move(draft), plan, listener));
  r->state_ = std::make_unique<ReplicaState>(options, NewKv(o, plan.kv_capacity, /*block_map=*/false),
                                             streams.Stream(StreamId::kAcceptance, index), o.hardware.pp,
                                             plan.kv_bytes_per_token_per_gpu, r->events_.get());
  r->kv_slots_ = r->state_->kv().Usage().capacity.value();
  const bool contiguous = o.kv.cache.kind == KvCacheOptions::Kind::kContiguous;  // paged reserves nothing ahead
  if (contiguous && o.kv.reservation == ReservationPolicy::kMaxLength && o.scheduler.max_model_len > r->kv_slots_) {
    return Status::InvalidArgument(fmt::format(
        "replica.kv.reservation: max_length reserves replica.scheduler.max_model_len = {} tokens for every request, "
        "but the KV cache holds {}: no request could ever be admitted; lower max_model_len to at most {}, or "
        "reserve by power_of_two or oracle", o.scheduler.max_model_len, r->kv_slots_, r->kv_slots_));
  }
  return r;
}

LlmReplica::LlmReplica(std::shared_ptr<const ReplicaOptions> options, std::shared_ptr<const PerfModel> perf,
                       std::unique_ptr<PerfModel> draft, const MemoryPlan& plan, CompletionListener* listener)
    : options_(std::move(options)), perf_(std::move(perf)), draft_perf_(std::move(draft)), memory_(plan),
      listener_(listener),
      events_(std::make_unique<Events>(this)), scheduler_(MakeScheduler(options_->scheduler.policy)),
      stats_(std::make_unique<ReplicaStats>()) {
  const auto engines = static_cast<std::size_t>(options_->hardware.pp);
  engines_.resize(engines);
  stage_free_.assign(engines, 0);
  stats_->SetSlo(options_->slo.ttft_s, options_->slo.tpot_s);
}

LlmReplica::~LlmReplica() = default;

void LlmReplica::SetKvHeatmap(bool on) {
  recorded_.at = -1;
  stats_->SetHeatmap(on);
  if (on) state_->ReplaceKv(NewKv(*options_, memory_.kv_capacity, /*block_map=*/true));
}

void LlmReplica::SetSeries(bool on) { stats_->SetSeries(on); }

void LlmReplica::Attach(Simulator& sim) {
  sim_ = &sim;
  id_ = sim.Register(this);
  // With hundreds of replicas each is cold in cache when its event comes:
  // what an iteration reads first is fetched while the event before runs.
  sim.SetHotMemory(id_, {std::as_bytes(std::span(this, 1)), std::as_bytes(std::span(engines_)),
                         std::as_bytes(std::span(state_.get(), 1)), stats_->HotMemory(),
                         state_->cohort(0).HotMemory()});
  // The empty cache from the start: a replica no request has reached yet is
  // all free (its KV shares had been 0 until its first request, so a fleet's
  // mean shares summed to 0.91 with idle replicas).
  RecordState(sim.now());
}

void LlmReplica::Submit(Simulator& sim, const Request& request) { Serve(sim, request, ServedPart{}); }

void LlmReplica::Serve(Simulator& sim, const Request& request, const ServedPart& part) {
  assert(!part.prefilled || request.output_tokens > 1);
  const std::int64_t prompt = std::max<std::int64_t>(1, request.prompt_tokens);
  const std::int64_t output = part.first_token_only ? 1 : std::max<std::int64_t>(1, request.output_tokens);
  if (Refuse(sim, request, prompt + output)) return;
  const std::uint32_t slot = state_->NewSeq(request, prompt, output);
  Seq& s = state_->seq(slot);
  s.keep_kv = part.first_token_only;
  if (part.prefilled) {
    s.kv_shipped = true;
    s.made_before = s.generated = 1;
    s.first_token = s.last_token = part.first_token_at;
  }
  Enqueue(sim, slot);
}

// `held`: the tokens the request's part holds at most (its prompt and the
// output tokens made up to its end here).
bool LlmReplica::Refuse(Simulator& sim, const Request& request, std::int64_t held) {
  const std::int64_t prompt = std::max<std::int64_t>(1, request.prompt_tokens);
  const std::int64_t total = prompt + std::max<std::int64_t>(1, request.output_tokens);
  // Refused up front, as a serving stack would: too long for the model, or
  // for the whole KV cache even if it were empty (the allocator's slots: a
  // paged cache holds whole blocks only), counting what admission reserves
  // (a power of two above its length: it had waited for ever).
  const bool contiguous = options_->kv.cache.kind == KvCacheOptions::Kind::kContiguous;
  const std::int64_t reserved =
      contiguous ? std::max({held, prompt + 1,
                             ReservationTokens(options_->kv.reservation, held, options_->scheduler.max_model_len)})
                 : held;
  if (total <= options_->scheduler.max_model_len && reserved <= kv_slots_) return false;
  stats_->OnRejected();
  if (request_log_ != nullptr) {
    RequestRecord r;
    r.id = request.id;
    r.measured = request.measured;
    r.completed = false;
    r.pool = log_pool_;
    r.replica = log_index_;
    r.arrival = request.arrival;
    r.end = sim.now();
    r.prompt_tokens = prompt;
    request_log_->OnRequest(r);
  }
  listener_->OnDropped(sim, request);
  return true;
}

void LlmReplica::Enqueue(Simulator& sim, std::uint32_t slot) {
  state_->waiting().PushBack(slot);
  in_system_.Add(sim.now(), 1);
  KickIdle(sim);
  RecordState(sim.now());
}

void LlmReplica::ReleaseKv(Simulator& sim, std::uint64_t request_id) {
  state_->ReleaseHandedOff(request_id);
  KickIdle(sim);  // the freed memory may admit a waiting request
  RecordState(sim.now());
}

// Every caller records the state right after: one engine's start need not
// record it too (nothing happens in between); with several, each start is
// recorded as it happens, as a later one may preempt.
void LlmReplica::KickIdle(Simulator& sim) {
  if (finishing_) return;  // FinishIteration kicks once its items are done
  const bool record_each = state_->engines() > 1;
  for (int e = 0; e < state_->engines(); ++e) {
    if (!engines_[static_cast<std::size_t>(e)].busy) StartIteration(sim, e, record_each);
  }
}

StepBreakdown LlmReplica::Cost(const IterationPlan& plan) const {
  StepBreakdown b = perf_->Iteration(plan.shape);
  if (plan.draft_steps > 0 && draft_perf_ != nullptr) {
    const StepBreakdown d = draft_perf_->Iteration(plan.draft_shape);
    for (std::int64_t i = 0; i < plan.draft_steps; ++i) b.Add(d);
  }
  b.overhead_s += plan.stall_s;  // KV swaps to or from the host delay the iteration
  b.total_s += plan.stall_s;
  return b;
}

// Passes the micro-batch through the stages: each stage serves one
// micro-batch at a time, in launch order. Time spent waiting for a stage
// busy with another micro-batch is the bubble.
SimTime LlmReplica::Pipeline(SimTime start, StepBreakdown* b) {
  const int pp = options_->hardware.pp;
  const SimDuration stage = SecondsToNs(b->stage_s);
  const SimDuration hop = pp == 1 ? 0 : SecondsToNs(pp == 2 ? b->pp_comm_s : b->pp_comm_s / (pp - 1));  // x / 1 == x
  SimTime ready = start, end = start;
  SimDuration waited = 0;
  for (std::size_t s = 0; s < stage_free_.size(); ++s) {
    const SimTime begin = std::max(ready, stage_free_[s]);
    waited += begin - ready;
    end = AddTime(begin, stage);  // saturates: a stage beyond the horizon stops the run
    stage_free_[s] = end;
    ready = AddTime(end, hop);
  }
  b->bubble_s = NsToSeconds(waited);
  b->total_s += b->bubble_s;
  return end;
}

void LlmReplica::StartIteration(Simulator& sim, int engine, bool record) {
  const auto e = static_cast<std::size_t>(engine);
  IterationPlan& plan = engines_[e].plan;
  state_->SetLookAhead(sim.prefetching());
  for (int attempt = 0;; ++attempt) {
    SimTime wake = 0;
    const std::uint64_t preempted_before = state_->preemptions();
    scheduler_->Plan(*state_, engine, sim.now(), &plan, &wake);
    if (!plan.empty()) break;
    if (wake > sim.now() && !engines_[e].wake_pending) {
      engines_[e].wake_pending = true;
      sim.Schedule(wake, id_, kWake, e);
    }
    if (scheduler_->ReleasesFinishedAtOnce() && !state_->running(engine).empty()) {
      FailStuck(engine);  // every running request pinned and out of memory
      continue;
    }
    if (state_->preemptions() != preempted_before && attempt == 0) continue;  // memory was freed: try again
    if (record) RecordState(sim.now());
    return;
  }
  StepBreakdown b = Cost(plan);
  const SimTime done = Pipeline(AddTime(sim.now(), SecondsToNs(plan.stall_s)), &b);
  for (const IterationItem& item : plan.items) {
    Seq& s = state_->seq(item.slot);
    if (item.prefill > 0 && s.first_token < 0) s.ttft_parts.Add(b);
  }
  stats_->OnPromptTokens(plan.shape.prefill_tokens);
  stats_->OnIteration(b, plan.sequences, plan.shape.tokens(),
                      PromptShareOfIteration(plan.shape.prefill_tokens, plan.shape.decode_tokens));
  engines_[e].busy = true;
  sim.Schedule(done, id_, kIterationDone, e);
  if (timeline_ != nullptr) {
    timeline_->OnIteration(engine, sim.now(), done, plan.shape.prefill_tokens, plan.shape.decode_tokens,
                           plan.sequences, b);
  }
  if (record) RecordState(sim.now());
}

inline void LlmReplica::EmitTokens(std::uint32_t slot, std::int64_t n, SimTime now) {
  Seq& s = state_->seq(slot);
  if (s.generated == 0) {
    s.first_token = now;
    stats_->OnFirstToken(s, now);
  } else if (s.measured) {
    // Sequences decoding together mostly share their previous token's time:
    // their gaps are counted as one run.
    const SimDuration gap = now - s.last_token;
    if (gap != pending_gap_ && pending_gap_count_ > 0) FlushGaps();
    pending_gap_ = gap;
    ++pending_gap_count_;
  }
  if (s.measured) zero_gaps_ += n - 1;  // tokens accepted together arrive together
  s.generated += n;
  s.last_token = now;
  stats_->OnOutputTokens(n);
}

void LlmReplica::FinishIteration(Simulator& sim, int engine) {
  const auto e = static_cast<std::size_t>(engine);
  engines_[e].busy = false;
  const bool speculative = options_->speculative.enabled;
  const bool stepped = engines_[e].plan.cohort > 0;
  if (stepped) StepCohort(engine, sim.now());
  finishing_ = true;
  for (const IterationItem& item : engines_[e].plan.items) {
    Seq& s = state_->seq(item.slot);
    if (s.state != SeqState::kRunning) continue;
    std::int64_t emitted = 0;
    if (item.prefill > 0) {
      s.prefilled += item.prefill;
      if (s.prefill_done()) emitted = 1;
    } else {
      emitted = item.produced;
      if (speculative && emitted > 0) {
        ++spec_steps_;
        spec_tokens_ += static_cast<std::uint64_t>(emitted);
      }
    }
    if (emitted == 0) continue;
    EmitTokens(item.slot, emitted, sim.now());
    if (s.finished()) {
      Complete(sim, item.slot);
    } else {
      state_->TryJoinCohort(item.slot, sim.now(), stepped);
    }
  }
  FlushGaps();
  finishing_ = false;
  KickIdle(sim);
  RecordState(sim.now());
}

// The engine's cohort made one token each, all after the same gap.
void LlmReplica::StepCohort(int engine, SimTime now) {
  const DecodeCohort& c = state_->cohort(engine);
  assert(c.size() == engines_[static_cast<std::size_t>(engine)].plan.cohort);
  if (c.measured() > 0) {
    const SimDuration gap = now - c.last_token();
    if (gap != pending_gap_ && pending_gap_count_ > 0) FlushGaps();
    pending_gap_ = gap;
    pending_gap_count_ += c.measured();
  }
  stats_->OnOutputTokens(c.size());
  state_->FinishCohortStep(engine, now);
}

void LlmReplica::FlushGaps() {
  if (pending_gap_count_ > 0) stats_->OnGaps(NsToSeconds(pending_gap_), pending_gap_count_);
  if (zero_gaps_ > 0) stats_->OnGaps(0.0, zero_gaps_);
  pending_gap_count_ = zero_gaps_ = 0;
}

void LlmReplica::TraceRequest(const Seq& s, bool completed) {
  // A request whose part ended before its answer did goes on elsewhere,
  // which logs it.
  const bool handed_on = completed && s.output < s.request.output_tokens;
  if (request_log_ != nullptr && !handed_on) {
    RequestRecord r;
    r.id = s.request.id;
    r.measured = s.request.measured;
    r.completed = completed;
    r.pool = log_pool_;
    r.replica = log_index_;
    r.arrival = s.request.arrival;
    r.scheduled = s.scheduled;
    r.first_token = s.first_token;
    r.end = sim_->now();
    r.prompt_tokens = s.prompt;
    r.output_tokens = s.generated;
    r.preemptions = s.preemptions;
    request_log_->OnRequest(r);
  }
  if (timeline_ == nullptr) return;
  timeline_->OnRequest(s.request.id, s.request.arrival, s.scheduled, s.first_token, s.last_token, s.prompt, s.output,
                       completed);
}

void LlmReplica::Complete(Simulator& sim, std::uint32_t slot) {
  const Seq& s = state_->seq(slot);
  stats_->OnCompleted(s, s.output - s.made_before, sim.now());  // the tokens made here
  TraceRequest(s, true);
  in_system_.Add(sim.now(), -1);
  Request request = s.request;
  request.first_token = s.first_token;  // for per-class TTFT and TPOT (runner)
  if (s.keep_kv) {
    const SimTime scheduled = s.scheduled;
    state_->HandOff(slot);  // the KV stays until ReleaseKv, once it has been shipped
    listener_->OnCompleted(sim, request, scheduled);
    return;
  }
  listener_->OnCompleted(sim, request, s.scheduled);
  if (scheduler_->ReleasesFinishedAtOnce()) state_->Retire(slot);  // request-level batches retire at their end
}

void LlmReplica::Fail(std::uint32_t slot) {
  TraceRequest(state_->seq(slot), false);
  const Request request = state_->seq(slot).request;
  stats_->OnFailed();
  in_system_.Add(sim_->now(), -1);
  state_->FreeSeq(slot);
  listener_->OnDropped(*sim_, request);
}

void LlmReplica::FailStuck(int engine) {
  const auto& list = state_->running(engine);
  const auto newest = std::max_element(list.begin(), list.end(), [&](std::uint32_t a, std::uint32_t b) {
    return state_->seq(a).request.id < state_->seq(b).request.id;
  });
  const std::uint32_t slot = *newest;
  TraceRequest(state_->seq(slot), false);
  const Request request = state_->seq(slot).request;
  state_->Retire(slot);
  stats_->OnFailed();
  in_system_.Add(sim_->now(), -1);
  listener_->OnDropped(*sim_, request);
}

void LlmReplica::RecordState(SimTime now) {
  const auto waiting = static_cast<std::int64_t>(state_->queued());
  const std::int64_t running = state_->running_total();
  const KvUsage usage = state_->Usage();
  if (now == recorded_.at && waiting == recorded_.waiting && running == recorded_.running &&
      SameUsage(usage, recorded_.usage)) {
    return;  // no time has passed and nothing changed: every Set below would be a no-op, no sample is due
  }
  recorded_ = {now, waiting, running, usage};
  waiting_tw_.Set(now, static_cast<double>(waiting));
  if (stats_->SamplesBlockMap(now)) state_->SyncKv();
  stats_->OnState(now, waiting, running, usage, state_->kv());
}

void LlmReplica::OnEvent(Simulator& sim, const Event& event) {
  const auto engine = static_cast<int>(event.arg);
  if (event.kind == kIterationDone) {
    FinishIteration(sim, engine);
  } else {
    Engine& e = engines_[event.arg];
    e.wake_pending = false;
    if (!e.busy) StartIteration(sim, engine);
  }
}

void LlmReplica::CloseWindow(SimTime now) {
  recorded_.at = -1;
  stats_->Close(now);
  in_system_.Freeze(now);
  waiting_tw_.Freeze(now);
}

void LlmReplica::ResetStatistics(SimTime now, SimDuration expected) {
  recorded_.at = -1;
  stats_->SetHorizon(expected);
  in_system_.Reset(now);
  waiting_tw_.Reset(now);
  stats_->Reset(now);
  spec_steps_ = spec_tokens_ = 0;
}

double LlmReplica::EstimateCapacity(double mean_prompt, double mean_output, const ServedPart& part) const {
  const int engines = options_->hardware.pp;
  const double context = mean_prompt + mean_output / 2;
  const double by_memory = static_cast<double>(memory_.kv_capacity.value()) / (mean_prompt + mean_output);
  const double batch =
      std::max(1.0, std::min<double>(static_cast<double>(options_->scheduler.max_running) * engines, by_memory));
  const double per_engine = std::max(1.0, std::floor(batch / engines));
  IterationShape decode;
  decode.decode_sequences = decode.decode_tokens = static_cast<std::int64_t>(per_engine);
  decode.decode_context_tokens = static_cast<std::int64_t>(per_engine * context);
  IterationShape prefill;
  prefill.prefill_tokens = static_cast<std::int64_t>(mean_prompt);
  prefill.prefill_attention_pairs = mean_prompt * (mean_prompt + 1) / 2;
  // Each request costs its share of decode iterations plus one prefill
  // iteration that stalls the engine (prefill-prioritising schedulers); a
  // first-token-only part runs only the prefill, a prefilled part all but
  // it (its first token was made elsewhere).
  double decodes = mean_output;
  if (part.first_token_only) decodes = 0;
  if (part.prefilled) decodes = std::max(0.0, mean_output - 1);
  const double prefill_s = part.prefilled ? 0 : perf_->Iteration(prefill).total_s;
  // Multi-step groups of k decode steps charge the host work on one of them.
  double decode_s = perf_->Iteration(decode).total_s;
  if (const std::int64_t k = options_->scheduler.steps_per_schedule; k > 1) {
    IterationShape follower = decode;
    follower.scheduled = false;
    decode_s = (decode_s + static_cast<double>(k - 1) * perf_->Iteration(follower).total_s) / static_cast<double>(k);
  }
  const double per_request_s = decodes * decode_s / per_engine + prefill_s;
  // A prefilled part that needs no decode step is never the limit.
  if (per_request_s <= 0) return std::numeric_limits<double>::infinity();
  return engines / per_request_s;
}

double LlmReplica::KvStoredFraction() const {
  const KvUsage u = state_->Usage();
  return u.capacity.value() > 0 ? static_cast<double>(u.stored.value()) / static_cast<double>(u.capacity.value())
                                : 0.0;
}

void LlmReplica::AppendSamples(LlmSamples* out) const { stats_->AppendSamples(out); }

void LlmReplica::Fill(SimTime end, double window_s, LlmReport* out) const {
  const ReplicaHardware& hw = options_->hardware;
  const int gpus = options_->gpus();
  const double peak = hw.gpu.PeakFlops(hw.activation_dtype).value_or(0) * gpus;
  stats_->Fill(end, window_s, peak, hw.gpu.memory_bandwidth_Bps * gpus, out);
  out->model = hw.model.id;
  out->gpu = hw.gpu.id;
  out->tp = hw.tp;
  out->pp = hw.pp;
  out->gpus = gpus;
  out->gpus_total = gpus;
  out->weight_gathered = hw.weight_gathered;
  out->memory = memory_;
  out->swaps = state_->swaps();
  out->prefix_hit_tokens = state_->kv().prefix_hit_tokens();
  out->prefix_lookup_tokens = state_->kv().prefix_lookup_tokens();
  out->spec_tokens_per_step =
      spec_steps_ > 0 ? static_cast<double>(spec_tokens_) / static_cast<double>(spec_steps_) : 0;
  out->usd_per_hour = options_->price_per_gpu_hour_usd * gpus;
  out->usd_per_hour_prompt = out->usd_per_hour * stats_->PromptBusyShare();
  // Dynamic power follows how hard the GPU works: the larger of its compute
  // and its memory-bandwidth use, each relative to what is achievable.
  const double activity = std::min(1.0, std::max(out->mfu / hw.efficiency.matmul, out->mbu / hw.efficiency.memory));
  const double per_gpu_w = hw.gpu.idle_power_w + (hw.gpu.power_w - hw.gpu.idle_power_w) * activity;
  out->average_power_w = per_gpu_w * gpus;
  DeriveCostAndEnergy(window_s, out->mean_concurrency - waiting_tw_.Average(end), out);
}

}  // namespace fleetlab
