// FanoutStage: splits each request into one sub-request per branch (each
// branch a pool: its own model, devices and latency law) and passes the
// request on when `need` branches have answered (all of them by default).
// The join is the slowest needed answer, so rare slow modes in any branch
// dominate the tail: P(slow) = 1 - (1 - p)^K.
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/path/options.h"
#include "path/pool_stage.h"
#include "path/stage.h"

namespace fleetlab {

class FanoutStage final : public Stage {
 public:
  // Branch b's replicas use streams from *next_stream on (advanced past
  // them). Does not own `next`. REQUIRES: options validated (1 <= need <=
  // branches <= 64); streams and next outlive the stage.
  FanoutStage(const StageOptions& options, const RandomStreams& streams, std::uint32_t* next_stream,
              CompletionListener* next);
  ~FanoutStage() override;
  void Attach(Simulator& sim);

  void Submit(Simulator& sim, const Request& request) override;
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
    std::uint64_t answered = 0;  // bit b: branch b answered or dropped
    std::uint32_t ok = 0, failed = 0;
    bool done = false;           // passed on (or dropped) already
  };
  class BranchDone;

  void Settle(Simulator& sim, std::uint64_t id, Join& j, SimTime service_start, const Request& branch_request);
  void Forget(std::uint64_t id, const Join& j);

  std::string name_;
  std::uint32_t need_;
  bool cancel_rest_;
  CompletionListener* next_;
  std::vector<std::unique_ptr<BranchDone>> adapters_;
  std::vector<std::unique_ptr<PoolStage>> branches_;
  std::unordered_map<std::uint64_t, Join> joins_;
  SampleSet latency_ms_;
};

}  // namespace fleetlab
