#include "disagg/disagg_system.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "disagg/disagg_merge.h"
#include "fleet/llm_merge.h"

namespace fleetlab {
namespace {

class ReplicaLoadProbe final : public LoadProbe {
 public:
  explicit ReplicaLoadProbe(const LlmReplica* r) : r_(r) {}
  ReplicaLoad Read() const override { return {r_->in_system().value(), r_->KvStoredFraction()}; }

 private:
  const LlmReplica* r_;
};

}  // namespace

// Hears prefill replica i hand a request on (its first token) or drop it.
class DisaggSystem::PrefillExit final : public CompletionListener {
 public:
  PrefillExit(DisaggSystem* sys, std::uint32_t i) : sys_(sys), i_(i) {}
  void OnCompleted(Simulator& sim, const Request& r, SimTime service_start) override {
    sys_->OnPrefilled(sim, i_, r, service_start);
  }
  void OnDropped(Simulator& sim, const Request& r) override { sys_->OnDropped(sim, r); }

 private:
  DisaggSystem* sys_;
  std::uint32_t i_;
};

// The decode router's view of decode replica i: requests arrive with their
// prompt's KV and first token.
class DisaggSystem::DecodeEntry final : public RequestTarget {
 public:
  DecodeEntry(DisaggSystem* sys, LlmReplica* r) : sys_(sys), r_(r) {}
  void Submit(Simulator& sim, const Request& request) override {
    r_->SubmitPrefilled(sim, request, sys_->handoffs_.at(request.id).first_token);
  }

 private:
  DisaggSystem* sys_;
  LlmReplica* r_;
};

class DisaggSystem::DecodeExit final : public CompletionListener {
 public:
  DecodeExit(DisaggSystem* sys, std::uint32_t i) : sys_(sys), i_(i) {}
  void OnCompleted(Simulator& sim, const Request& r, SimTime) override { sys_->OnDecoded(sim, i_, r); }
  void OnDropped(Simulator& sim, const Request& r) override { sys_->OnDropped(sim, r); }

 private:
  DisaggSystem* sys_;
  std::uint32_t i_;
};

DisaggSystem::DisaggSystem(const DisaggregationOptions& o, CompletionListener* listener, SimDuration horizon)
    : options_(o), listener_(listener), horizon_(horizon),
      kv_bytes_per_token_(
          static_cast<double>(o.prefill.replica.hardware.model.KvBytesPerToken(o.prefill.replica.hardware.kv_dtype)
                                  .value())) {}

DisaggSystem::~DisaggSystem() = default;

Result<std::unique_ptr<DisaggSystem>> DisaggSystem::Build(const DisaggregationOptions& o,
                                                          const RandomStreams& streams, Simulator& sim,
                                                          CompletionListener* listener, Timeline* timeline,
                                                          bool kv_heatmap, SimDuration horizon, RequestLog* log) {
  std::unique_ptr<DisaggSystem> sys(new DisaggSystem(o, listener, horizon));
  FLEETLAB_RETURN_IF_ERROR(sys->BuildPrefill(streams, sim));
  FLEETLAB_RETURN_IF_ERROR(sys->BuildDecode(streams, sim));
  sys->prefill_.replicas.front()->SetTimeline(timeline);
  for (std::size_t i = 0; i < sys->prefill_.replicas.size(); ++i) {
    sys->prefill_.replicas[i]->SetRequestLog(log, static_cast<std::int64_t>(i), RequestPool::kPrefill);
  }
  for (std::size_t j = 0; j < sys->decode_.replicas.size(); ++j) {
    sys->decode_.replicas[j]->SetRequestLog(log, static_cast<std::int64_t>(j), RequestPool::kDecode);
  }
  sys->decode_.replicas.front()->SetKvHeatmap(kv_heatmap);  // the report's heatmap is decode replica 0's
  sys->link_ = std::make_unique<KvLink>(o.link, sys.get());
  sys->link_->Attach(sim);
  return sys;
}

Result<LlmReplica*> DisaggSystem::AddReplica(const LlmPoolOptions& o, const char* name, const RandomStreams& streams,
                                             std::uint64_t index, CompletionListener* listener, Simulator& sim,
                                             Pool* pool) {
  auto replica = LlmReplica::Create(o.replica, streams, listener, index);
  if (!replica.ok()) return replica.status().WithContext(std::string("disaggregation.") + name);
  pool->replicas.push_back(std::move(replica).value());
  LlmReplica* r = pool->replicas.back().get();
  r->Attach(sim);
  pool->probes.push_back(std::make_unique<ReplicaLoadProbe>(r));
  pool->completed.push_back(0);
  return r;
}

Status DisaggSystem::BuildPrefill(const RandomStreams& streams, Simulator& sim) {
  std::vector<RouteTarget> targets;
  for (std::uint32_t i = 0; i < options_.prefill.replicas; ++i) {
    prefill_exits_.push_back(std::make_unique<PrefillExit>(this, i));
    auto r = AddReplica(options_.prefill, "prefill", streams, i, prefill_exits_.back().get(), sim, &prefill_);
    if (!r.ok()) return r.status();
    targets.push_back(RouteTarget{*r, prefill_.probes.back().get()});
  }
  prefill_.router =
      std::make_unique<Router>(targets, options_.prefill.router, streams.Stream(StreamId::kPrefillRouting));
  prefill_.router->Attach(sim);
  return Status::Ok();
}

Status DisaggSystem::BuildDecode(const RandomStreams& streams, Simulator& sim) {
  std::vector<RouteTarget> targets;
  for (std::uint32_t j = 0; j < options_.decode.replicas; ++j) {
    decode_exits_.push_back(std::make_unique<DecodeExit>(this, j));
    auto r = AddReplica(options_.decode, "decode", streams, options_.prefill.replicas + j, decode_exits_.back().get(),
                        sim, &decode_);
    if (!r.ok()) return r.status();
    decode_entries_.push_back(std::make_unique<DecodeEntry>(this, *r));
    targets.push_back(RouteTarget{decode_entries_.back().get(), decode_.probes.back().get()});
  }
  decode_.router = std::make_unique<Router>(targets, options_.decode.router, streams.Stream(StreamId::kDecodeRouting));
  decode_.router->Attach(sim);
  return Status::Ok();
}

void DisaggSystem::OnPrefilled(Simulator& sim, std::uint32_t replica, const Request& request,
                               SimTime service_start) {
  prefill_.completed[replica] += request.measured ? 1 : 0;
  if (request.output_tokens <= 1) {  // the first token was the whole answer: nothing to ship
    prefill_.replicas[replica]->ReleaseKv(sim, request.id);
    listener_->OnCompleted(sim, request, service_start);
    return;
  }
  handoffs_[request.id] = Handoff{service_start, sim.now()};
  const double bytes = static_cast<double>(std::max<std::int32_t>(1, request.prompt_tokens)) * kv_bytes_per_token_;
  link_->Send(sim, request, replica, bytes);
}

void DisaggSystem::OnTransferred(Simulator& sim, const Request& request, std::uint32_t source) {
  prefill_.replicas[source]->ReleaseKv(sim, request.id);  // the last byte has left
  decode_.router->Submit(sim, request);
}

void DisaggSystem::OnDecoded(Simulator& sim, std::uint32_t replica, const Request& request) {
  decode_.completed[replica] += request.measured ? 1 : 0;
  const auto it = handoffs_.find(request.id);
  assert(it != handoffs_.end());
  const SimTime prefill_start = it->second.prefill_start;
  handoffs_.erase(it);
  listener_->OnCompleted(sim, request, prefill_start);
}

void DisaggSystem::OnDropped(Simulator& sim, const Request& request) {
  handoffs_.erase(request.id);
  listener_->OnDropped(sim, request);
}

double DisaggSystem::InSystemNow() const {
  double total = static_cast<double>(link_->in_flight());
  for (const Pool* p : {&prefill_, &decode_}) {
    for (const auto& r : p->replicas) total += r->in_system().value();
  }
  return total;
}

void DisaggSystem::ResetStatistics(SimTime now) {
  for (Pool* p : {&prefill_, &decode_}) {
    for (const auto& r : p->replicas) r->ResetStatistics(now, horizon_);
    std::fill(p->completed.begin(), p->completed.end(), 0);
  }
  link_->ResetStatistics(now);
}

void DisaggSystem::CloseWindow(SimTime now) {
  for (Pool* p : {&prefill_, &decode_}) {
    for (const auto& r : p->replicas) r->CloseWindow(now);
  }
}

PoolReport DisaggSystem::FillPool(const Pool& pool, const LlmPoolOptions& o, SimTime end, double window_s) const {
  PoolReport out;
  std::vector<LlmReport> parts(pool.replicas.size());
  LlmSamples pooled;
  FleetReport& f = out.fleet;
  f.replicas = o.replicas;
  f.router = RouterPolicyName(o.router.policy);
  f.report_interval_ms = o.router.report_interval_s * 1e3;
  f.count_own_sends = o.router.count_own_sends;
  for (std::size_t i = 0; i < pool.replicas.size(); ++i) {
    const LlmReplica& r = *pool.replicas[i];
    r.Fill(end, window_s, &parts[i]);
    r.AppendSamples(&pooled);
    f.requests.push_back(pool.completed[i]);
    f.mean_in_system.push_back(window_s > 0 ? r.in_system().Average(end) : 0.0);
    f.utilization.push_back(parts[i].busy_fraction);
  }
  ComputeImbalance(&f);
  out.llm = parts.size() == 1 ? std::move(parts.front()) : CombineLlmReports(parts, pool.completed, pooled, window_s);
  return out;
}

void DisaggSystem::Fill(const RequestSizeOptions& sizes, SimTime end, Report* r) const {
  DisaggregationReport d;
  d.prefill = FillPool(prefill_, options_.prefill, end, r->window_s);
  d.decode = FillPool(decode_, options_.decode, end, r->window_s);
  link_->Fill(end, &d.link);
  const double prompt = sizes.prompt_tokens.Mean() + static_cast<double>(sizes.prefix_tokens);
  const double output = sizes.output_tokens.Mean();
  double prefill_capacity = 0, decode_capacity = 0;
  for (const auto& rep : prefill_.replicas) prefill_capacity += rep->EstimateCapacity(prompt, output);
  for (const auto& rep : decode_.replicas) decode_capacity += rep->EstimateCapacity(prompt, output);
  r->capacity_per_s = std::min(prefill_capacity, decode_capacity);
  for (const Pool* p : {&prefill_, &decode_}) {
    for (const auto& rep : p->replicas) {
      if (r->window_s <= 0) continue;
      r->mean_queue_length += rep->queue_length().Average(end);
      r->mean_in_system += rep->in_system().Average(end);
    }
  }
  const auto gpus = [](const LlmPoolOptions& p) { return static_cast<int>(p.replicas) * p.replica.gpus(); };
  LlmReport merged = MergeDisaggregated(d.prefill.llm, gpus(options_.prefill), d.decode.llm, gpus(options_.decode),
                                        r->window_s);
  r->utilization = merged.busy_fraction;
  r->mean_batch_size = merged.mean_batch_size;
  r->llm = std::move(merged);
  r->disaggregation = std::move(d);
}

}  // namespace fleetlab
