// Running a sweep: every point simulated once (threads in this process, and
// ranks under MPI), rows gathered in point order and written.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <limits>
#include <string>

#include "fleetlab/status.h"
#include "fleetlab/sweep/sweep.h"
#include "fleetlab/sweep/sweep_comm.h"
#include "fleetlab/sweep/sweep_rows.h"

namespace fleetlab {

struct SweepRunOptions {
  // Simulation threads in this process. Results do not depend on it.
  unsigned threads = 1;
  // Output file (.csv or .json). Empty: nothing is written, the table is
  // returned in SweepOutcome::table as CSV. An existing file is resumed:
  // rows whose index and key match a point are kept, not simulated again.
  std::string out_path;
  // The processes; null means this one alone. Not owned.
  SweepComm* comm = nullptr;
  // Called on rank 0 after each point this rank finishes (done, total),
  // from the worker threads, one call at a time.
  std::function<void(std::uint64_t, std::uint64_t)> progress;
  // The most memory one point's run may take (EstimateRun, run_estimate.h):
  // a point above it fails the sweep before anything runs, naming it. The
  // command line passes --max-memory / threads. Infinite: no limit.
  double max_bytes_per_point = std::numeric_limits<double>::infinity();
  // Cancels the runs (RunHooks::cancel); a cancelled sweep fails with
  // OutOfRange. The lab server sets it at its wall-time limit. Not owned.
  const std::atomic<bool>* cancel = nullptr;
  // > 0: every point's limits.max_events is lowered to this (an axis over
  // limits.max_events included). The lab server passes its bound.
  std::uint64_t max_events_per_point = 0;
  // The catalog LLM points parse against. Null: the default one, loaded
  // when the base has a replica or a fleet. Not owned.
  const Catalog* catalog = nullptr;
};

struct SweepOutcome {
  std::uint64_t points = 0;     // in the sweep
  std::uint64_t resumed = 0;    // kept from an earlier output
  std::uint64_t simulated = 0;  // run now (all ranks)
  std::uint64_t failed = 0;     // rows with an error, of those run now
  std::uint64_t events = 0;     // simulator events of the points run now
  std::string table;            // the CSV when out_path is empty (rank 0)
};

// Validates every point (a point that does not parse fails the sweep, naming
// it), then runs the pending ones. A point whose run is refused becomes a
// row with an error. Rank 0 writes the output; rows are appended as they
// finish (other ranks' rows after each round of 32 points a rank), so an
// interrupted sweep can resume, and the file is rewritten in point order at
// the end. Identical output for any threads and ranks.
// Collective under MPI: every rank calls it with the same spec.
Result<SweepOutcome> RunSweep(const SweepSpec& spec, const SweepRunOptions& options);

}  // namespace fleetlab
