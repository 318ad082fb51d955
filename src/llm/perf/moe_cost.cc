#include "llm/perf/moe_cost.h"

#include <cmath>

namespace fleetlab::moe_cost {

double TouchedExperts(double tokens, double experts, double k) {
  return experts * (1.0 - std::pow(1.0 - k / experts, tokens));
}

ExpertWork ExpertsOnOneGpu(const ModelSpec& m, int ep, double imbalance, double tokens, DType weights) {
  const double expert_params = static_cast<double>(m.ffn_matrices * m.hidden * m.ffn);
  const double experts = static_cast<double>(m.experts), k = static_cast<double>(m.experts_per_token);
  const double shared = static_cast<double>(m.shared_experts);
  const double routed = tokens * k / ep;  // routed tokens a GPU receives on average
  const double own = tokens / ep;         // the tokens it dispatches (and runs the shared experts on)
  ExpertWork w;
  w.mean_flops = 2.0 * (routed + own * shared) * expert_params;
  w.flops = 2.0 * (routed * imbalance + own * shared) * expert_params;
  // Its experts / ep experts, of which a batch touches the same share as of all.
  const double local_touched = TouchedExperts(tokens, experts, k) / ep;
  w.bytes = (local_touched + shared) * expert_params * BytesPerElement(weights);
  return w;
}

double DispatchBytesPerGpu(const ModelSpec& m, int ep, double imbalance, double tokens, DType activations) {
  return tokens / ep * static_cast<double>(m.experts_per_token) * static_cast<double>(m.hidden) *
         BytesPerElement(activations) * imbalance;
}

}  // namespace fleetlab::moe_cost
