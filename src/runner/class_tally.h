// ClassTally: the latencies and objectives of each class of a mixed
// workload (workload.classes), from the measured requests' completions and
// drops. TTFT and TPOT come from the first-token time an LLM replica sets
// on the request (Request::first_token); O(1) per completion.
#pragma once

#include <vector>

#include "fleetlab/metrics/sample_set.h"
#include "fleetlab/report.h"
#include "fleetlab/workload/options.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

class ClassTally {
 public:
  explicit ClassTally(const std::vector<WorkloadClass>& classes);

  // A measured request completed at `now` / was dropped.
  void OnCompleted(const Request& r, SimTime now);
  void OnDropped(const Request& r);
  // One report per class over a window of `window_s`; empty without classes.
  std::vector<ClassReport> Fill(double window_s) const;

 private:
  struct Tally {
    SampleSet e2e_ms, ttft_ms, tpot_ms;
    std::uint64_t completed = 0, dropped = 0, met = 0;
  };
  std::vector<WorkloadClass> classes_;
  std::vector<Tally> tallies_;
};

}  // namespace fleetlab
