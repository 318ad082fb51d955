// Speculative decoding (Y. Leviathan, M. Kalman and Y. Matias, "Fast
// Inference from Transformers via Speculative Decoding", ICML 2023, section
// 3): a draft model proposes gamma tokens, the target model verifies them in
// one step; each drafted token is accepted with probability alpha,
// independently (the paper's i.i.d. acceptance assumption). Pure; never throws.
#pragma once

namespace fleetlab::analytic {

// Expected tokens produced per target-model step:
//   (1 - alpha^(gamma+1)) / (1 - alpha) = sum_{i=0}^{gamma} alpha^i,
// which is gamma + 1 at alpha = 1 and 1 at alpha = 0 (summed directly, so
// there is no 0/0 at alpha = 1). REQUIRES: 0 <= alpha <= 1, gamma >= 0.
double SpeculativeTokensPerStep(double alpha, int gamma);

// Expected wall-time speedup over plain decoding when one draft step costs
// `cost` target steps: (1 - alpha^(gamma+1)) / ((1 - alpha)(gamma cost + 1)).
// alpha = 0.8, gamma = 5, cost = 0 gives 3.69. Below 1 means a slowdown.
// Ignores that verification of gamma + 1 tokens may cost more than a
// one-token step (true once the target is compute-bound, at large batches).
// REQUIRES: 0 <= alpha <= 1, gamma >= 0, cost >= 0.
double SpeculativeSpeedup(double alpha, int gamma, double cost);

}  // namespace fleetlab::analytic
