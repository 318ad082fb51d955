// Communication and pipeline costs of model parallelism, in the alpha-beta
// model: a message of m bytes over one link costs alpha + m / bandwidth.
// Units: bytes, bytes/s, seconds. Pure functions, never throw.
//
// Ring collectives: P. Patarasuk and X. Yuan, "Bandwidth optimal all-reduce
// algorithms for clusters of workstations", JPDC 69(2), 2009; R. Thakur,
// R. Rabenseifner and W. Gropp, "Optimization of collective communication
// operations in MPICH", IJHPCA 19(1), 2005. Pipeline bubble: Y. Huang et al.,
// "GPipe", NeurIPS 2019.
#pragma once

namespace fleetlab::analytic {

// Ring all-reduce of a `bytes`-byte buffer over n ranks: a reduce-scatter
// then an all-gather, 2 (n - 1) steps each moving bytes / n per link:
//   2 (n - 1) / n * bytes / bandwidth + 2 (n - 1) * alpha.
// 0 for n = 1. Bandwidth-optimal; the latency term grows linearly in n.
// REQUIRES: bytes >= 0, ranks >= 1, bandwidth_Bps > 0, alpha_s >= 0.
double RingAllReduceTime(double bytes, int ranks, double bandwidth_Bps, double alpha_s);

// Ring all-gather producing a `bytes`-byte buffer on every rank (each rank
// contributes bytes / n): (n - 1) / n * bytes / bandwidth + (n - 1) * alpha.
// REQUIRES: as RingAllReduceTime.
double RingAllGatherTime(double bytes, int ranks, double bandwidth_Bps, double alpha_s);

// Ring reduce-scatter of a `bytes`-byte buffer (each rank ends with its
// reduced bytes / n share): same cost as the all-gather.
// REQUIRES: as RingAllReduceTime.
double RingReduceScatterTime(double bytes, int ranks, double bandwidth_Bps, double alpha_s);

// All-to-all in which every rank sends `bytes_per_rank` spread evenly over
// the n ranks (its own share stays): each sends (n - 1) / n of it as n - 1
// direct messages over its link, so (n - 1) / n * bytes / bandwidth +
// (n - 1) * alpha (the personalized exchange of Thakur et al. 2005, section
// 4.5, for messages large enough to send directly). 0 for n = 1. The expert
// dispatch and combine of MoE expert parallelism are each one.
// REQUIRES: as RingAllReduceTime.
double AllToAllTime(double bytes_per_rank, int ranks, double bandwidth_Bps, double alpha_s);

// Idle ("bubble") fraction of a synchronous pipeline (GPipe schedule; also
// 1F1B) with p stages and m micro-batches of equal stage times:
// (p - 1) / (m + p - 1). REQUIRES: stages >= 1, microbatches >= 1.
double PipelineBubbleFraction(int stages, int microbatches);

}  // namespace fleetlab::analytic
