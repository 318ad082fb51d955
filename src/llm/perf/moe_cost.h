// Mixture-of-experts arithmetic (docs/model.md, "Mixture of experts" and
// "Expert parallelism"): the experts a batch touches, and the per-GPU
// expert work and all-to-all traffic of expert parallelism. Pure functions.
#pragma once

#include "fleetlab/llm/perf_model.h"

namespace fleetlab::moe_cost {

// Expected distinct experts of `experts` that `tokens` tokens touch, each
// routed to `k` of them independently and uniformly:
// E (1 - (1 - k/E)^T) (occupied bins). Dense (E = k = 1): 1.
double TouchedExperts(double tokens, double experts, double k);

// The expert work of one MoE layer on the most loaded of `ep` GPUs when
// `tokens` tokens (the whole stage's) are routed: each GPU holds E / ep
// experts whole and every shared expert; it receives T k / ep routed tokens
// times `imbalance`, and runs the shared experts on its own T / ep tokens.
struct ExpertWork {
  double flops = 0;        // on the most loaded GPU
  double bytes = 0;        // expert weights it streams (touched local + shared)
  double mean_flops = 0;   // per GPU on average (for MFU)
};
ExpertWork ExpertsOnOneGpu(const ModelSpec& m, int ep, double imbalance, double tokens, DType weights);

// Bytes one GPU sends in the dispatch (and again in the combine) of one MoE
// layer: its T / ep tokens' hidden states to each of their k experts,
// T / ep x k x hidden x activation bytes, times `imbalance` for the most
// loaded GPU. AllToAllTime sends all but its own share.
double DispatchBytesPerGpu(const ModelSpec& m, int ep, double imbalance, double tokens, DType activations);

}  // namespace fleetlab::moe_cost
