#include "path/fanout_stage.h"

#include <algorithm>
#include <cassert>

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

FanoutStage::FanoutStage(const StageOptions& options, const RandomStreams& streams, std::uint32_t* next_stream,
                         CompletionListener* next)
    : name_(options.name), need_(options.need), cancel_rest_(options.cancel_rest), next_(next) {
  assert(need_ >= 1 && need_ <= options.branches.size() && options.branches.size() <= 64);
  for (std::uint32_t b = 0; b < options.branches.size(); ++b) {
    adapters_.push_back(std::make_unique<BranchDone>(this, b));
    branches_.push_back(
        std::make_unique<PoolStage>(options.branches[b], streams, *next_stream, adapters_.back().get()));
    *next_stream += options.branches[b].replicas;
  }
}

FanoutStage::~FanoutStage() = default;

void FanoutStage::Attach(Simulator& sim) {
  for (auto& b : branches_) b->Attach(sim);
}

void FanoutStage::Submit(Simulator& sim, const Request& request) {
  Join j;
  j.request = request;
  j.request.entered = sim.now();
  auto [it, inserted] = joins_.emplace(request.id, j);
  assert(inserted);
  (void)it;
  for (auto& b : branches_) b->Submit(sim, j.request);
}

void FanoutStage::OnBranchDone(Simulator& sim, std::uint32_t branch, const Request& r, SimTime service_start) {
  auto it = joins_.find(r.id);
  if (it == joins_.end()) return;  // a branch finishing after the join was settled and forgotten
  Join& j = it->second;
  j.answered |= std::uint64_t{1} << branch;
  ++j.ok;
  if (!j.done && j.ok == need_) Settle(sim, r.id, j, service_start, r);
  Forget(r.id, j);
}

void FanoutStage::OnBranchDropped(Simulator& sim, std::uint32_t branch, const Request& r) {
  auto it = joins_.find(r.id);
  if (it == joins_.end()) return;
  Join& j = it->second;
  j.answered |= std::uint64_t{1} << branch;
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
      if ((j.answered >> b & 1) == 0 && branches_[b]->Cancel(sim, id)) j.answered |= std::uint64_t{1} << b;
    }
  }
  next_->OnCompleted(sim, out, service_start);
}

void FanoutStage::Forget(std::uint64_t id, const Join& j) {
  const std::uint64_t all = branches_.size() == 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << branches_.size()) - 1;
  if (j.done && j.answered == all) joins_.erase(id);
}

bool FanoutStage::Cancel(Simulator& sim, std::uint64_t id) {
  auto it = joins_.find(id);
  if (it == joins_.end()) return false;
  for (auto& b : branches_) b->Cancel(sim, id);
  joins_.erase(it);
  return true;
}

void FanoutStage::ResetStatistics(SimTime now) {
  for (auto& b : branches_) b->ResetStatistics(now);
}

double FanoutStage::Capacity() const {
  double c = branches_.front()->Capacity();
  for (const auto& b : branches_) c = std::min(c, b->Capacity());
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
    b->Fill(end, window_s, &br);
    out->utilization = std::max(out->utilization, br.utilization);
    out->energy_j += br.energy_j;
    out->branches.push_back(std::move(br));
  }
}

}  // namespace fleetlab
