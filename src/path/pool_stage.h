// PoolStage: N stations (one model on N devices) behind a router, with
// optional hedging: a backup copy goes to another replica once the first
// has taken longer than the hedge delay; the first answer wins, and the
// loser either runs on (its work wasted) or is withdrawn (cancel_loser).
#pragma once

#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "fleet/load_board.h"
#include "fleet/router.h"
#include "fleetlab/engine/simulator.h"
#include "fleetlab/metrics/log_histogram.h"
#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/path/options.h"
#include "fleetlab/random/rng.h"
#include "fleetlab/station/station.h"
#include "path/stage.h"

namespace fleetlab {

class PoolStage final : public Stage, public EventHandler {
 public:
  // Replica i draws its service from streams.Stream(StreamId::kService, first_stream + i);
  // the router from Stream(StreamId::kRouting, first_stream). Does not own `next`.
  // REQUIRES: options validated (hedging needs replicas >= 2); streams and
  // next outlive the stage.
  PoolStage(const PoolOptions& options, const RandomStreams& streams, std::uint32_t first_stream,
            CompletionListener* next);
  ~PoolStage() override;
  void Attach(Simulator& sim);

  void Submit(Simulator& sim, const Request& request) override;
  void OnEvent(Simulator& sim, const Event& event) override;
  double InSystemNow() const override;
  void ResetStatistics(SimTime now) override;
  void Fill(SimTime end, double window_s, StageReport* out) const override;
  double Capacity() const override { return options_.Capacity(); }
  bool Cancel(Simulator& sim, std::uint64_t id) override;

  // Called by replica i's completion adapter.
  void OnReplicaDone(Simulator& sim, std::uint32_t replica, const Request& r, SimTime service_start);
  void OnReplicaDropped(Simulator& sim, std::uint32_t replica, const Request& r);

 private:
  struct Hedge {
    Request request;  // as it entered the pool (the backup is a copy of it)
    std::uint32_t primary = 0, backup = 0;
    bool backup_sent = false;
    std::uint32_t alive = 1;  // copies not yet answered or dropped
    EventId timer = 0;
    bool timer_armed = false;  // not while the first copy is being submitted
  };
  class ReplicaDone;

  bool hedged() const { return options_.hedge.trigger != HedgeOptions::Trigger::kNone; }
  SimDuration HedgeDelay() const;
  void Win(Simulator& sim, const Request& r, SimTime service_start);
  void OnHedgeTimer(Simulator& sim, std::uint64_t id);

  PoolOptions options_;
  CompletionListener* next_;
  HandlerId id_ = 0;
  std::vector<std::unique_ptr<ReplicaDone>> adapters_;
  std::vector<std::unique_ptr<Station>> stations_;
  std::vector<std::unique_ptr<LoadProbe>> probes_;
  std::unique_ptr<Router> router_;
  std::unordered_map<std::uint64_t, Hedge> hedges_;  // hedged requests still unanswered
  SampleSet latency_ms_;
  LogHistogram observed_ms_;  // answered requests' latency, for the quantile trigger
  SimDuration quantile_delay_ = 0;
  std::uint64_t answered_ = 0, backups_ = 0, backup_wins_ = 0, cancelled_ = 0;
  std::uint64_t entered_ = 0;  // requests sent into the pool (answered, dropped or withdrawn)
  double useful_s_ = 0, wasted_s_ = 0;
};

}  // namespace fleetlab
