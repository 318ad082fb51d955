#include "fleetlab/sweep/sweep_comm.h"

#include <cstdlib>

#ifdef FLEETLAB_HAVE_MPI
#include <mpi.h>
#endif

namespace fleetlab {
namespace {

class LocalComm final : public SweepComm {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  bool AllAgree(bool ok) override { return ok; }
  std::vector<std::uint64_t> Broadcast(const std::vector<std::uint64_t>& values) override { return values; }
  std::vector<std::string> GatherToRoot(const std::string& text) override { return {text}; }
};

#ifdef FLEETLAB_HAVE_MPI
class MpiComm final : public SweepComm {
 public:
  MpiComm() {
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiComm() override { MPI_Finalize(); }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  bool AllAgree(bool ok) override {
    int mine = ok ? 1 : 0, all = 0;
    MPI_Allreduce(&mine, &all, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD);
    return all != 0;
  }

  std::vector<std::uint64_t> Broadcast(const std::vector<std::uint64_t>& values) override {
    unsigned long long n = values.size();
    MPI_Bcast(&n, 1, MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    std::vector<std::uint64_t> out(values);
    out.resize(n);
    static_assert(sizeof(unsigned long long) == sizeof(std::uint64_t));
    if (n > 0) MPI_Bcast(out.data(), static_cast<int>(n), MPI_UNSIGNED_LONG_LONG, 0, MPI_COMM_WORLD);
    return out;
  }

  // Sizes first, then the bytes; assumes each rank's text is under 2 GiB.
  std::vector<std::string> GatherToRoot(const std::string& text) override {
    int mine = static_cast<int>(text.size());
    std::vector<int> sizes(rank_ == 0 ? size_ : 0), offsets(sizes.size());
    MPI_Gather(&mine, 1, MPI_INT, sizes.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::string all;
    if (rank_ == 0) {
      long long total = 0;
      for (int r = 0; r < size_; ++r) {
        offsets[r] = static_cast<int>(total);
        total += sizes[r];
      }
      all.resize(static_cast<std::size_t>(total));
    }
    MPI_Gatherv(text.data(), mine, MPI_CHAR, all.data(), sizes.data(), offsets.data(), MPI_CHAR, 0, MPI_COMM_WORLD);
    std::vector<std::string> out;
    for (int r = 0; rank_ == 0 && r < size_; ++r) out.push_back(all.substr(offsets[r], sizes[r]));
    return out;
  }

 private:
  int rank_ = 0, size_ = 1;
};
#endif

}  // namespace

std::unique_ptr<SweepComm> MakeLocalComm() { return std::make_unique<LocalComm>(); }

bool LaunchedUnderMpi() {
  return std::getenv("OMPI_COMM_WORLD_SIZE") != nullptr || std::getenv("PMI_SIZE") != nullptr ||
         std::getenv("PMIX_RANK") != nullptr;
}

bool SweepMpiAvailable() {
#ifdef FLEETLAB_HAVE_MPI
  return true;
#else
  return false;
#endif
}

Result<std::unique_ptr<SweepComm>> MakeSweepComm() {
  if (!LaunchedUnderMpi()) return MakeLocalComm();
#ifdef FLEETLAB_HAVE_MPI
  int provided = 0;
  if (MPI_Init_thread(nullptr, nullptr, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
    return Status::IoError("MPI_Init_thread failed: cannot start the MPI ranks");
  }
  return std::unique_ptr<SweepComm>(std::make_unique<MpiComm>());
#else
  return Status::InvalidArgument("launched under mpirun, but this fleetlab was built without MPI (install "
                                 "libopenmpi-dev and reconfigure); run it without mpirun");
#endif
}

}  // namespace fleetlab
