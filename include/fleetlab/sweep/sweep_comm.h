// The processes a sweep runs on: this process alone, or the ranks of an MPI
// job (OpenMPI) when fleetlab was built with MPI and launched by mpirun.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "fleetlab/status.h"

namespace fleetlab {

class SweepComm {
 public:
  virtual ~SweepComm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;
  // Collective: true on every rank iff `ok` is true on every rank (so that a
  // rank that cannot go on does not leave the others waiting).
  virtual bool AllAgree(bool ok) = 0;
  // Collective: every rank returns rank 0's `values`.
  virtual std::vector<std::uint64_t> Broadcast(const std::vector<std::uint64_t>& values) = 0;
  // Collective: rank 0 returns every rank's `text` in rank order (its own
  // first); the other ranks return an empty vector.
  virtual std::vector<std::string> GatherToRoot(const std::string& text) = 0;
};

// One process: rank 0 of 1.
std::unique_ptr<SweepComm> MakeLocalComm();

// True when this process was started by an MPI launcher (OpenMPI's
// OMPI_COMM_WORLD_SIZE, or PMI_SIZE / PMIX_RANK of other launchers).
bool LaunchedUnderMpi();

// MPI when built with it and LaunchedUnderMpi() (MPI is initialised here and
// finalised when the returned object is destroyed; create at most one per
// process); otherwise the local one. Fails when launched under mpirun but
// built without MPI, or when MPI cannot start.
Result<std::unique_ptr<SweepComm>> MakeSweepComm();

// Whether this build can use MPI.
bool SweepMpiAvailable();

}  // namespace fleetlab
