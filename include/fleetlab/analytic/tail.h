// Tail at scale: how leaf latency tails compound under fan-out, and what
// hedged requests buy back (J. Dean and L. A. Barroso, "The Tail at Scale",
// Communications of the ACM 56(2), 2013). Leaves are assumed independent.
// Pure functions, never throw. Probabilities are in [0, 1].
#pragma once

#include <functional>

namespace fleetlab::analytic {

// Probability that a request fanned out to n leaves is slow, when each leaf
// is independently slow with probability p: 1 - (1 - p)^n (computed as
// -expm1(n log1p(-p))). p = 0.01, n = 100 gives 0.634.
// REQUIRES: 0 <= p <= 1, n >= 0.
double FanOutSlowProbability(double p, long n);

// The per-leaf quantile a fan-out of n leaves must meet for the whole request
// to meet quantile q: q^(1/n) (e.g. P99 over 100 leaves needs leaf P99.99).
// REQUIRES: 0 < q < 1, n >= 1.
double FanOutLeafQuantile(double q, long n);

// Probability that at least k of n independent leaves complete, each with
// probability p_leaf: the binomial upper tail sum_{i=k}^{n} C(n,i) p^i (1-p)^(n-i),
// summed in log space. k = n is p^n; k = 0 is 1.
// REQUIRES: 0 <= p_leaf <= 1, 0 <= k <= n.
double KOfNCompletionProbability(double p_leaf, long n, long k);

// Hedged request: a second copy is sent d seconds after the first unless the
// first has answered; the response is the first of the two. With independent
// copies of survival S(t) = P(T > t):
//   P(T_hedged > t) = S(t) * S(t - d)   (S(t - d) = 1 for t < d).
// This overload takes the two survival values directly:
// s_first = S(t), s_second = S(t - d). REQUIRES: both in [0, 1].
double HedgedSurvival(double s_first, double s_second);
// The same from a survival function. REQUIRES: d >= 0; survival non-increasing
// with values in [0, 1].
double HedgedSurvival(const std::function<double(double)>& survival, double t, double d);
// Extra load of hedging: the fraction of requests that send a second copy,
// P(T > d) = S(d).
double HedgeExtraLoad(const std::function<double(double)>& survival, double d);

}  // namespace fleetlab::analytic
