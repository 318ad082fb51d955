// SequenceStage: several stages one after another acting as one stage (a
// fan-out branch that is a whole sub-path: link, pool, link back). The
// request path itself is built the same way (path.cc).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fleetlab/engine/simulator.h"
#include "fleetlab/path/options.h"
#include "fleetlab/random/rng.h"
#include "path/stage.h"

namespace fleetlab {

class SequenceStage final : public Stage {
 public:
  // Builds `stages` in order and attaches them. Station streams are taken
  // from *next_stream on (advanced past them); link stage k draws from
  // Stream(StreamId::kNetwork, *next_link + k) (advanced too). Does not own `next`.
  // REQUIRES: !stages.empty(), validated; streams, sim, next outlive it.
  SequenceStage(std::string name, const std::vector<StageOptions>& stages, const RandomStreams& streams,
                Simulator& sim, std::uint32_t* next_stream, std::uint32_t* next_link, CompletionListener* next);
  ~SequenceStage() override;

  void Submit(Simulator& sim, const Request& request) override;
  double InSystemNow() const override;
  void ResetStatistics(SimTime now) override;
  // Kind "sequence": each stage as a child (the fan-out fills the branch's
  // latency, from when it started the branch).
  void Fill(SimTime end, double window_s, StageReport* out) const override;
  double Capacity() const override;
  bool Cancel(Simulator& sim, std::uint64_t id) override;

  const std::vector<std::unique_ptr<Stage>>& stages() const { return stages_; }

 private:
  class Hop;
  void OnExit(Simulator& sim, const Request& r, SimTime service_start);

  std::string name_;
  CompletionListener* next_;
  std::vector<std::unique_ptr<Hop>> hops_;
  std::vector<std::unique_ptr<Stage>> stages_;
};

// Builds one stage of kind st.kind (link, pool or fan-out), attached to
// `sim`, leaving through `exit`. Shared by SequenceStage and FanoutStage.
std::unique_ptr<Stage> MakeStage(const StageOptions& st, const RandomStreams& streams, Simulator& sim,
                                 std::uint32_t* next_stream, std::uint32_t* next_link, CompletionListener* exit);

}  // namespace fleetlab
