#include "fleetlab/analytic/parallelism.h"

#include <cassert>

namespace fleetlab::analytic {
namespace {

// One ring pass: (n - 1) steps, each moving bytes / n per link.
double RingPass(double bytes, int ranks, double bandwidth_Bps, double alpha_s) {
  assert(bytes >= 0 && ranks >= 1 && alpha_s >= 0);
  if (ranks == 1) return 0;  // nothing to exchange (whatever the link)
  assert(bandwidth_Bps > 0);
  const double steps = ranks - 1;
  return steps / ranks * bytes / bandwidth_Bps + steps * alpha_s;
}

}  // namespace

double RingAllReduceTime(double bytes, int ranks, double bandwidth_Bps, double alpha_s) {
  return 2 * RingPass(bytes, ranks, bandwidth_Bps, alpha_s);
}

double RingAllGatherTime(double bytes, int ranks, double bandwidth_Bps, double alpha_s) {
  return RingPass(bytes, ranks, bandwidth_Bps, alpha_s);
}

double RingReduceScatterTime(double bytes, int ranks, double bandwidth_Bps, double alpha_s) {
  return RingPass(bytes, ranks, bandwidth_Bps, alpha_s);
}

double AllToAllTime(double bytes_per_rank, int ranks, double bandwidth_Bps, double alpha_s) {
  assert(bytes_per_rank >= 0 && ranks >= 1 && bandwidth_Bps > 0 && alpha_s >= 0);
  if (ranks == 1) return 0;
  const double n = ranks;
  return (n - 1) / n * bytes_per_rank / bandwidth_Bps + (n - 1) * alpha_s;
}

double PipelineBubbleFraction(int stages, int microbatches) {
  assert(stages >= 1 && microbatches >= 1);
  return static_cast<double>(stages - 1) / (microbatches + stages - 1);
}

}  // namespace fleetlab::analytic
