#include "path/sequence_stage.h"

#include <algorithm>

#include "path/fanout_stage.h"
#include "path/link_stage.h"
#include "path/pool_stage.h"

namespace fleetlab {

// Between stage i and i + 1; after the last, the sequence's own exit.
class SequenceStage::Hop final : public CompletionListener {
 public:
  explicit Hop(SequenceStage* owner) : owner_(owner) {}
  void set_next(Stage* next) { next_ = next; }
  void OnCompleted(Simulator& sim, const Request& r, SimTime service_start) override {
    if (next_ != nullptr) return next_->Submit(sim, r);
    owner_->OnExit(sim, r, service_start);
  }
  void OnDropped(Simulator& sim, const Request& r) override { owner_->next_->OnDropped(sim, r); }

 private:
  SequenceStage* owner_;
  Stage* next_ = nullptr;
};

std::unique_ptr<Stage> MakeStage(const StageOptions& st, const RandomStreams& streams, Simulator& sim,
                                 std::uint32_t* next_stream, std::uint32_t* next_link, CompletionListener* exit) {
  switch (st.kind) {
    case StageOptions::Kind::kLink: {
      auto link = std::make_unique<LinkStage>(st.link, streams.Stream(StreamId::kNetwork, (*next_link)++), exit);
      link->Attach(sim);
      return link;
    }
    case StageOptions::Kind::kPool: {
      auto pool = std::make_unique<PoolStage>(st.pool, streams, *next_stream, exit);
      *next_stream += st.pool.replicas;
      pool->Attach(sim);
      return pool;
    }
    case StageOptions::Kind::kFanout:
      return std::make_unique<FanoutStage>(st, streams, sim, next_stream, next_link, exit);
  }
  return nullptr;  // unreachable
}

SequenceStage::SequenceStage(std::string name, const std::vector<StageOptions>& stages,
                             const RandomStreams& streams, Simulator& sim, std::uint32_t* next_stream,
                             std::uint32_t* next_link, CompletionListener* next)
    : name_(std::move(name)), next_(next) {
  for (std::size_t i = 0; i < stages.size(); ++i) hops_.push_back(std::make_unique<Hop>(this));
  for (std::size_t i = 0; i < stages.size(); ++i) {
    stages_.push_back(MakeStage(stages[i], streams, sim, next_stream, next_link, hops_[i].get()));
    if (i > 0) hops_[i - 1]->set_next(stages_.back().get());
  }
}

SequenceStage::~SequenceStage() = default;

void SequenceStage::Submit(Simulator& sim, const Request& request) {
  stages_.front()->Submit(sim, request);  // each stage stamps its own entry
}

void SequenceStage::OnExit(Simulator& sim, const Request& r, SimTime service_start) {
  next_->OnCompleted(sim, r, service_start);
}

double SequenceStage::InSystemNow() const {
  double n = 0;
  for (const auto& s : stages_) n += s->InSystemNow();
  return n;
}

void SequenceStage::ResetStatistics(SimTime now) {
  for (auto& s : stages_) s->ResetStatistics(now);
}

double SequenceStage::Capacity() const {
  double c = stages_.front()->Capacity();
  for (const auto& s : stages_) c = std::min(c, s->Capacity());
  return c;
}

bool SequenceStage::Cancel(Simulator& sim, std::uint64_t id) {
  bool found = false;
  for (auto& s : stages_) found = s->Cancel(sim, id) || found;
  return found;
}

void SequenceStage::Fill(SimTime end, double window_s, StageReport* out) const {
  out->name = name_;
  out->kind = "sequence";
  out->capacity_per_s = Capacity();
  for (const auto& s : stages_) {
    StageReport child;
    s->Fill(end, window_s, &child);
    out->utilization = std::max(out->utilization, child.utilization);
    out->energy_j += child.energy_j;
    out->branches.push_back(std::move(child));
  }
}

}  // namespace fleetlab
