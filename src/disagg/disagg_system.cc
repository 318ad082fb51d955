#include "disagg/disagg_system.h"

#include <algorithm>
#include <cassert>
#include <limits>

#include "disagg/disagg_merge.h"

namespace fleetlab {

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

// The prefill router's view of prefill replica i: it serves each request
// up to its first token and keeps the KV for shipping.
class DisaggSystem::PrefillEntry final : public RequestTarget {
 public:
  explicit PrefillEntry(LlmReplica* r) : r_(r) {}
  void Submit(Simulator& sim, const Request& request) override {
    r_->Serve(sim, request, ServedPart{.first_token_only = true});
  }

 private:
  LlmReplica* r_;
};

// The decode router's view of decode replica i: requests arrive with their
// prompt's KV and first token.
class DisaggSystem::DecodeEntry final : public RequestTarget {
 public:
  DecodeEntry(DisaggSystem* sys, LlmReplica* r) : sys_(sys), r_(r) {}
  void Submit(Simulator& sim, const Request& request) override {
    r_->Serve(sim, request, ServedPart{.prefilled = true, .first_token_at = sys_->handoffs_.at(request.id).first_token});
  }

 private:
  DisaggSystem* sys_;
  LlmReplica* r_;
};

// Hears any decode replica finish a request or drop it.
class DisaggSystem::DecodeExit final : public CompletionListener {
 public:
  explicit DecodeExit(DisaggSystem* sys) : sys_(sys) {}
  void OnCompleted(Simulator& sim, const Request& r, SimTime) override { sys_->OnDecoded(sim, r); }
  void OnDropped(Simulator& sim, const Request& r) override { sys_->OnDropped(sim, r); }

 private:
  DisaggSystem* sys_;
};

DisaggSystem::DisaggSystem(const DisaggregationOptions& o, CompletionListener* listener, SimDuration horizon)
    : options_(o), listener_(listener),
      kv_bytes_per_token_(
          static_cast<double>(o.prefill.replica.hardware.model.KvBytesPerToken(o.prefill.replica.hardware.kv_dtype)
                                  .value())),
      prefill_(horizon), decode_(horizon) {}

DisaggSystem::~DisaggSystem() = default;

Result<std::unique_ptr<DisaggSystem>> DisaggSystem::Build(const DisaggregationOptions& o,
                                                          const RandomStreams& streams, Simulator& sim,
                                                          CompletionListener* listener, Timeline* timeline,
                                                          bool kv_heatmap, SimDuration horizon, RequestLog* log) {
  std::unique_ptr<DisaggSystem> sys(new DisaggSystem(o, listener, horizon));
  FLEETLAB_RETURN_IF_ERROR(sys->BuildPrefill(streams, sim));
  FLEETLAB_RETURN_IF_ERROR(sys->BuildDecode(streams, sim));
  sys->prefill_.replica(0).SetTimeline(timeline);
  for (std::size_t i = 0; i < sys->prefill_.size(); ++i) {
    sys->prefill_.replica(i).SetRequestLog(log, static_cast<std::int64_t>(i), RequestPool::kPrefill);
    sys->prefill_.replica(i).SetSeries(false);  // the report's series are the decode pool's
  }
  for (std::size_t j = 0; j < sys->decode_.size(); ++j) {
    sys->decode_.replica(j).SetRequestLog(log, static_cast<std::int64_t>(j), RequestPool::kDecode);
  }
  sys->decode_.replica(0).SetKvHeatmap(kv_heatmap);  // the report's heatmap and series are decode replica 0's
  sys->link_ = std::make_unique<KvLink>(o.link, sys.get());
  sys->link_->Attach(sim);
  return sys;
}

Status DisaggSystem::BuildPrefill(const RandomStreams& streams, Simulator& sim) {
  std::vector<RequestTarget*> fronts;
  const auto perf = ReplicaPool::SharedPerf(options_.prefill.replica, options_.prefill.replicas);
  const auto replica = std::make_shared<const ReplicaOptions>(options_.prefill.replica);
  for (std::uint32_t i = 0; i < options_.prefill.replicas; ++i) {
    prefill_exits_.push_back(std::make_unique<PrefillExit>(this, i));
    auto r = prefill_.Add(replica, streams, i, prefill_exits_.back().get(), sim, perf);
    if (!r.ok()) return r.status().WithContext("disaggregation.prefill");
    prefill_entries_.push_back(std::make_unique<PrefillEntry>(*r));
    fronts.push_back(prefill_entries_.back().get());
  }
  prefill_.Route(options_.prefill.router, streams.Stream(StreamId::kPrefillRouting), sim, fronts);
  return Status::Ok();
}

Status DisaggSystem::BuildDecode(const RandomStreams& streams, Simulator& sim) {
  decode_exit_ = std::make_unique<DecodeExit>(this);
  std::vector<RequestTarget*> fronts;
  const auto perf = ReplicaPool::SharedPerf(options_.decode.replica, options_.decode.replicas);
  const auto replica = std::make_shared<const ReplicaOptions>(options_.decode.replica);
  for (std::uint32_t j = 0; j < options_.decode.replicas; ++j) {
    auto r = decode_.Add(replica, streams, options_.prefill.replicas + j, decode_exit_.get(), sim,
                         perf);
    if (!r.ok()) return r.status().WithContext("disaggregation.decode");
    decode_entries_.push_back(std::make_unique<DecodeEntry>(this, *r));
    fronts.push_back(decode_entries_.back().get());
  }
  decode_.Route(options_.decode.router, streams.Stream(StreamId::kDecodeRouting), sim, fronts);
  return Status::Ok();
}

void DisaggSystem::OnPrefilled(Simulator& sim, std::uint32_t replica, const Request& request,
                               SimTime service_start) {
  if (request.output_tokens <= 1) {  // the first token was the whole answer: nothing to ship
    prefill_.replica(replica).ReleaseKv(sim, request.id);
    listener_->OnCompleted(sim, request, service_start);
    return;
  }
  handoffs_[request.id] = Handoff{service_start, sim.now()};
  const double bytes = static_cast<double>(std::max<std::int32_t>(1, request.prompt_tokens)) * kv_bytes_per_token_;
  link_->Send(sim, request, replica, bytes);
}

void DisaggSystem::OnTransferred(Simulator& sim, const Request& request, std::uint32_t source) {
  prefill_.replica(source).ReleaseKv(sim, request.id);  // the last byte has left
  decode_.entry()->Submit(sim, request);
}

void DisaggSystem::OnDecoded(Simulator& sim, const Request& request) {
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
  return static_cast<double>(link_->in_flight()) + prefill_.InSystemNow() + decode_.InSystemNow();
}

void DisaggSystem::ResetStatistics(SimTime now) {
  prefill_.ResetStatistics(now);
  decode_.ResetStatistics(now);
  link_->ResetStatistics(now);
}

void DisaggSystem::CloseWindow(SimTime now) {
  prefill_.CloseWindow(now);
  decode_.CloseWindow(now);
}

void DisaggSystem::Fill(const RequestSizeOptions& sizes, SimTime end, Report* r) const {
  DisaggregationReport d;
  d.prefill = prefill_.Report(end, r->window_s);
  d.decode = decode_.Report(end, r->window_s);
  link_->Fill(end, &d.link);
  const double prompt = sizes.prompt_tokens.Mean() + static_cast<double>(sizes.prefix_tokens);
  const double output = sizes.output_tokens.Mean();
  r->capacity_per_s = std::min(prefill_.Capacity(prompt, output, ServedPart{.first_token_only = true}),
                               decode_.Capacity(prompt, output, ServedPart{.prefilled = true}));
  prefill_.AddTimeAverages(end, r->window_s, &r->mean_queue_length, &r->mean_in_system);
  decode_.AddTimeAverages(end, r->window_s, &r->mean_queue_length, &r->mean_in_system);
  const auto gpus = [](const LlmPoolOptions& p) { return static_cast<int>(p.replicas) * p.replica.gpus(); };
  LlmReport merged = MergeDisaggregated(d.prefill.llm, gpus(options_.prefill), d.decode.llm, gpus(options_.decode),
                                        r->window_s);
  r->utilization = merged.busy_fraction;
  r->mean_batch_size = merged.mean_batch_size;
  r->llm = std::move(merged);
  r->disaggregation = std::move(d);
}

}  // namespace fleetlab
