// FanoutStage: splits each request into one sub-request per branch (each
// branch a pool — its own model, devices and latency law — or a whole
// sub-path) and passes the request on when `need` branches have answered
// (all of them by default). The join is the slowest needed answer, so rare
// slow modes in any branch dominate the tail: P(slow) = 1 - (1 - p)^K. A
// branch may start late (start_after_s), and only if the join still waits:
// a hedge across whole paths, or a local fallback.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/path/options.h"
#include "path/stage.h"

namespace fleetlab {

class FanoutStage final : public Stage, public EventHandler {
 public:
  // Builds and attaches the branches; streams as in MakeStage
  // (sequence_stage.h). Does not own `next`. REQUIRES: options validated
  // (1 <= need <= branches <= 64); streams, sim and next outlive the stage.
  FanoutStage(const StageOptions& options, const RandomStreams& streams, Simulator& sim,
              std::uint32_t* next_stream, std::uint32_t* next_link, CompletionListener* next);
  ~FanoutStage() override;

  void Submit(Simulator& sim, const Request& request) override;
  void OnEvent(Simulator& sim, const Event& event) override;
  double InSystemNow() const override { return static_cast<double>(joins_.size()); }
  void ResetStatistics(SimTime now) override;
  void Fill(SimTime end, double window_s, StageReport* out) const override;
  double Capacity() const override;
  bool Cancel(Simulator& sim, std::uint64_t id) override;

  void OnBranchDone(Simulator& sim, std::uint32_t branch, const Request& r, SimTime service_start);
  void OnBranchDropped(Simulator& sim, std::uint32_t branch, const Request& r);

 private:
  struct Join {
    Request request;             // the parent, as it entered
    std::uint64_t settled = 0;   // bit b: branch b answered, dropped, was withdrawn or skipped
    std::uint64_t started = 0;   // bit b: branch b was started
    std::uint32_t ok = 0, failed = 0;
    bool done = false;           // passed on (or dropped) already
  };
  struct Branch {
    std::unique_ptr<Stage> stage;
    SimDuration start_after = 0;
    SampleSet latency_ms;  // from the branch's start to its answer, measured requests
    std::uint64_t started = 0, skipped = 0;
  };
  class BranchDone;

  void Start(Simulator& sim, Join& j, std::uint32_t b);
  void Settle(Simulator& sim, std::uint64_t id, Join& j, SimTime service_start, const Request& branch_request);
  void Forget(std::uint64_t id, const Join& j);
  std::uint64_t AllBranches() const;

  std::string name_;
  std::uint32_t need_;
  bool cancel_rest_;
  CompletionListener* next_;
  HandlerId id_ = 0;
  std::vector<std::unique_ptr<BranchDone>> adapters_;
  std::vector<Branch> branches_;
  std::unordered_map<std::uint64_t, Join> joins_;
  SampleSet latency_ms_;
};

}  // namespace fleetlab
