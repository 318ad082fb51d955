#include "path/fanout_stage.h"

#include <algorithm>
#include <cassert>

#include "path/pool_stage.h"
#include "path/sequence_stage.h"

namespace fleetlab {

class FanoutStage::BranchDone final : public CompletionListener {
 public:
  BranchDone(FanoutStage* f, std::uint32_t b) : f_(f), b_(b) {}
  void OnCompleted(Simulator& sim, const Request& r, SimTime start) override { f_->OnBranchDone(sim, b_, r, start); }
  void OnDropped(Simulator& sim, const Request& r) override { f_->OnBranchDropped(sim, b_, r); }

 private:
  FanoutStage* f_;
  std::uint32_t b_;
};

FanoutStage::FanoutStage(const StageOptions& options, const RandomStreams& streams, Simulator& sim,
                         std::uint32_t* next_stream, std::uint32_t* next_link, CompletionListener* next)
    : name_(options.name), need_(options.need), cancel_rest_(options.cancel_rest), next_(next) {
  assert(need_ >= 1 && need_ <= options.branches.size() && options.branches.size() <= 64);
  id_ = sim.Register(this);
  for (std::uint32_t b = 0; b < options.branches.size(); ++b) {
    const BranchOptions& o = options.branches[b];
    adapters_.push_back(std::make_unique<BranchDone>(this, b));
    Branch br;
    br.start_after = SecondsToNs(o.start_after_s);
    if (o.stages.empty()) {
      auto pool = std::make_unique<PoolStage>(o.pool, streams, *next_stream, adapters_.back().get());
      *next_stream += o.pool.replicas;
      pool->Attach(sim);
      br.stage = std::move(pool);
    } else {
      br.stage = std::make_unique<SequenceStage>(o.name, o.stages, streams, sim, next_stream, next_link,
                                                 adapters_.back().get());
    }
    branches_.push_back(std::move(br));
  }
}

FanoutStage::~FanoutStage() = default;

std::uint64_t FanoutStage::AllBranches() const {
  return branches_.size() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << branches_.size()) - 1;
}

void FanoutStage::Submit(Simulator& sim, const Request& request) {
  Join j;
  j.request = request;
  j.request.entered = sim.now();
  auto [it, inserted] = joins_.emplace(request.id, j);
  assert(inserted);
  for (std::uint32_t b = 0; b < branches_.size(); ++b) {
    if (branches_[b].start_after == 0) {
      Start(sim, it->second, b);
    } else {
      sim.ScheduleAfter(branches_[b].start_after, id_, b, request.id);
    }
  }
}

void FanoutStage::Start(Simulator& sim, Join& j, std::uint32_t b) {
  j.started |= std::uint64_t{1} << b;
  ++branches_[b].started;
  branches_[b].stage->Submit(sim, j.request);
}

void FanoutStage::OnEvent(Simulator& sim, const Event& event) {
  auto it = joins_.find(event.arg);
  if (it == joins_.end()) return;
  Join& j = it->second;
  const std::uint32_t b = event.kind;
  if (j.done) {  // the join settled before this branch was due: it never starts
    j.settled |= std::uint64_t{1} << b;
    ++branches_[b].skipped;
    Forget(event.arg, j);
    return;
  }
  Start(sim, j, b);
}

void FanoutStage::OnBranchDone(Simulator& sim, std::uint32_t branch, const Request& r, SimTime service_start) {
  auto it = joins_.find(r.id);
  if (it == joins_.end()) return;  // a branch finishing after the join was settled and forgotten
  Join& j = it->second;
  j.settled |= std::uint64_t{1} << branch;
  ++j.ok;
  if (r.measured) {
    const SimTime began = j.request.entered + branches_[branch].start_after;
    branches_[branch].latency_ms.Add(NsToMs(sim.now() - began));
  }
  if (!j.done && j.ok == need_) Settle(sim, r.id, j, service_start, r);
  Forget(r.id, j);
}

void FanoutStage::OnBranchDropped(Simulator& sim, std::uint32_t branch, const Request& r) {
  auto it = joins_.find(r.id);
  if (it == joins_.end()) return;
  Join& j = it->second;
  j.settled |= std::uint64_t{1} << branch;
  ++j.failed;
  if (!j.done && branches_.size() - j.failed < need_) {
    j.done = true;
    next_->OnDropped(sim, j.request);
  }
  Forget(r.id, j);
}

void FanoutStage::Settle(Simulator& sim, std::uint64_t id, Join& j, SimTime service_start,
                         const Request& branch_request) {
  j.done = true;
  Request out = j.request;
  out.queued = branch_request.queued;  // the queueing on the path of the answer that completed the join
  if (out.measured) latency_ms_.Add(NsToMs(sim.now() - j.request.entered));
  if (cancel_rest_) {
    for (std::uint32_t b = 0; b < branches_.size(); ++b) {
      const std::uint64_t bit = std::uint64_t{1} << b;
      if ((j.settled & bit) == 0 && (j.started & bit) != 0 && branches_[b].stage->Cancel(sim, id)) j.settled |= bit;
    }
  }
  next_->OnCompleted(sim, out, service_start);
}

void FanoutStage::Forget(std::uint64_t id, const Join& j) {
  if (j.done && j.settled == AllBranches()) joins_.erase(id);
}

bool FanoutStage::Cancel(Simulator& sim, std::uint64_t id) {
  auto it = joins_.find(id);
  if (it == joins_.end()) return false;
  for (auto& b : branches_) b.stage->Cancel(sim, id);
  joins_.erase(it);
  return true;
}

void FanoutStage::ResetStatistics(SimTime now) {
  for (auto& b : branches_) {
    b.stage->ResetStatistics(now);
    b.started = b.skipped = 0;
  }
}

double FanoutStage::Capacity() const {
  double c = branches_.front().stage->Capacity();
  for (const auto& b : branches_) c = std::min(c, b.stage->Capacity());
  return c;
}

void FanoutStage::Fill(SimTime end, double window_s, StageReport* out) const {
  out->name = name_;
  out->kind = "fanout";
  out->latency_ms = latency_ms_.Summarize();
  out->capacity_per_s = Capacity();
  out->need = need_;
  for (const auto& b : branches_) {
    StageReport br;
    b.stage->Fill(end, window_s, &br);
    br.latency_ms = b.latency_ms.Summarize();
    br.started = b.started;
    br.skipped = b.skipped;
    out->utilization = std::max(out->utilization, br.utilization);
    out->energy_j += br.energy_j;
    out->branches.push_back(std::move(br));
  }
}

}  // namespace fleetlab
