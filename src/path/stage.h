// Stage: one step of a request path (link, pool or fan-out). A stage accepts
// requests, and tells its downstream listener when each one leaves it
// (completed) or is lost (dropped). It stamps Request::entered on entry and
// adds its queueing to Request::queued.
#pragma once

#include "fleetlab/path/path_report.h"
#include "fleetlab/time.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

class Stage : public RequestTarget {
 public:
  // Requests now inside the stage (queued, in service or in flight).
  virtual double InSystemNow() const = 0;
  // Starts the stage's statistics afresh at `now` (end of warm-up).
  virtual void ResetStatistics(SimTime now) = 0;
  // The stage's figures over the window ending at `end`.
  virtual void Fill(SimTime end, double window_s, StageReport* out) const = 0;
  // The most requests per second the stage can pass.
  virtual double Capacity() const = 0;
  // Withdraws request `id` wherever it is in the stage (a join that no
  // longer needs it); the downstream is not told. Returns true if found.
  virtual bool Cancel(class Simulator& sim, std::uint64_t id) = 0;
};

}  // namespace fleetlab
