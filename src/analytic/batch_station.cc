#include "fleetlab/analytic/batch_station.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <vector>

#include "fleetlab/analytic/multiserver.h"
#include "fleetlab/analytic/numeric.h"
#include "fleetlab/analytic/queueing.h"
#include "fleetlab/analytic/service_law.h"
#include "fleetlab/analytic/special_functions.h"
#include "fleetlab/analytic/station.h"
#include "fleetlab/analytic/wait_law.h"

namespace fleetlab::analytic {
namespace {

using Model = BatchStationModel;

double BatchTime(const Model& m, double k) { return m.fixed_s + m.per_item_s * k; }

// P(N >= n) for N ~ Poisson(mean).
double PoissonAtLeast(int n, double mean) { return n <= 0 ? 1 : RegularizedGammaP(n, mean); }

// Poisson(mean) probabilities of 0..n_max, by a log-space recursion.
std::vector<double> PoissonPmf(double mean, int n_max) {
  std::vector<double> pmf(n_max + 1);
  double log_p = -mean;
  const double log_mean = mean > 0 ? std::log(mean) : -HUGE_VAL;
  for (int n = 0; n <= n_max; ++n) {
    pmf[n] = std::exp(log_p);
    log_p += log_mean - std::log(n + 1.0);
  }
  return pmf;
}

// The Poisson batch-size chain of the contention model: after a batch of k,
// the next has clamp(Poisson(lambda S_k / c), 1, B) requests. Per row we keep
// P(no arrival) and E[min(B, 1 + arrivals)], the size of the batch that an
// arrival during the batch joins.
struct BatchChain {
  std::vector<std::vector<double>> next;  // next[k-1][j-1] = P(k -> j)
  std::vector<double> p_empty, joined_size;
};

BatchChain BuildChain(double lambda, int c, int b, const Model& m) {
  BatchChain chain;
  for (int k = 1; k <= b; ++k) {
    const std::vector<double> pmf = PoissonPmf(lambda * BatchTime(m, k) / c, b - 1);
    std::vector<double> row(b, 0.0);
    double below = 0, joined = 0;
    for (int a = 0; a < b; ++a) {
      row[std::max(1, a) - 1] += pmf[a];
      below += pmf[a];
      if (a < b - 1) joined += (a + 1) * pmf[a];
    }
    row[b - 1] += std::max(0.0, 1 - below);
    joined += b * std::max(0.0, 1 - (below - pmf[b - 1]));
    chain.next.push_back(std::move(row));
    chain.p_empty.push_back(pmf[0]);
    chain.joined_size.push_back(joined);
  }
  return chain;
}

// Stationary law of the chain by (lazy) power iteration.
std::vector<double> Stationary(const BatchChain& chain) {
  const int b = static_cast<int>(chain.next.size());
  std::vector<double> pi(b, 1.0 / b), step(b);
  for (int it = 0; it < 20000; ++it) {
    std::fill(step.begin(), step.end(), 0.0);
    for (int k = 0; k < b; ++k) {
      for (int j = 0; j < b; ++j) step[j] += pi[k] * chain.next[k][j];
    }
    double change = 0;
    for (int j = 0; j < b; ++j) {
      const double updated = (pi[j] + step[j]) / 2;
      change += std::fabs(updated - pi[j]);
      pi[j] = updated;
    }
    if (change < 1e-13) break;
  }
  return pi;
}

// Mean-value analysis of w = 0 batching, without batch queueing: an arrival
// finds every server busy with probability ErlangC(c, c u), then waits half a
// batch time (S_k / c between releases) and rides the next batch; otherwise
// it is served alone at once. Exact for c = 1 while no batch overflows B.
double ContentionBase(double lambda, int c, const Model& m) {
  const int b = m.max_batch;
  const BatchChain chain = BuildChain(lambda, c, b, m);
  const std::vector<double> pi = Stationary(chain);
  double mean_release = 0, p_empty = 0;
  for (int k = 1; k <= b; ++k) {
    mean_release += pi[k - 1] * BatchTime(m, k) / c;
    p_empty += pi[k - 1] * chain.p_empty[k - 1];
  }
  const double busy = mean_release / (mean_release + p_empty / lambda);
  const double p_wait = ErlangC(c, c * busy);
  double waited = 0;
  for (int k = 1; k <= b; ++k) {
    const double release = BatchTime(m, k) / c;
    const double biased = pi[k - 1] * release / mean_release;  // length-biased
    waited += biased * (release / 2 + BatchTime(m, chain.joined_size[k - 1]));
  }
  return (1 - p_wait) * BatchTime(m, 1) + p_wait * waited;
}

// Wait of full batches: Allen–Cunneen (Kingman for c = 1) for Erlang-B
// arrivals of batches (Ca^2 = 1/B) and deterministic service S_B, times the
// Krämer–Langenbach-Belz factor; atom ErlangC, exponential tail.
AtomExpWait FullBatchWait(const Model& m, double rho) {
  const int b = m.max_batch;
  const double s_b = BatchTime(m, b);
  const double ca2 = 1.0 / b;
  const double mean = AllenCunneenMeanWait(m.lambda / b, s_b, m.servers, ca2, 0) *
                      KraemerLangenbachBelzFactor(rho, ca2, 0);
  return AtomExpWait::FromMean(ErlangC(m.servers, m.lambda * s_b / b), mean);
}

// CDF of the fill time of a random member of a full batch: the time until
// B - j more arrivals, j uniform on 1..B, i.e. E[min(N(x) + 1, B)] / B.
double FillCdf(double lambda, int b, double x) {
  if (x < 0) return 0;
  const std::vector<double> pmf = PoissonPmf(lambda * x, b);
  double sum = 0, cdf = 0;  // sum over n of P(N >= n), n = 0..B-1
  for (int n = 0; n < b; ++n) {
    sum += std::max(0.0, 1 - cdf);
    cdf += pmf[n];
  }
  return sum / b;
}

double UniformCdf(double lo, double hi, double x) {
  if (x < lo) return 0;
  if (x >= hi) return 1;
  return (x - lo) / (hi - lo);
}

// p99 of base + W, base ~ uniform on [lo, hi], W independent.
double UniformPlusWaitP99(double lo, double hi, const AtomExpWait& wait) {
  const auto survival = [&](double t) {
    if (hi - lo <= 1e-12 * hi) return wait.Survival(t - hi);
    return SurvivalPlus(
        wait, [&](double x) { return UniformCdf(lo, hi, x); }, t);
  };
  return QuantileFromSurvival(survival, 0.99, hi + wait.Mean());
}

BatchEstimate Infinite() { return {kInfinity, kInfinity}; }

// B = 1: the station is M/D/c with D = f + p.
void PredictSingleItem(const Model& m, BatchStationPrediction& p) {
  const double d = BatchTime(m, 1);
  const StationPrediction s =
      PredictStation({m.lambda, 1, m.servers, ServiceLaw::Deterministic(d)});
  p.light = {d, d};
  p.heavy = p.best = {s.mean_sojourn_s, s.sojourn_p99};
  p.exact = s.exact;
  p.method = "B = 1 is M/D/c: " + s.method;
}

// The limit lambda -> 0: each request alone, held for the whole window.
void PredictIdle(const Model& m, BatchStationPrediction& p) {
  const double alone = (m.window_s > 0 ? m.window_s : 0) + BatchTime(m, 1);
  p.light = p.best = {alone, alone};
  p.heavy = Infinite();  // full batches never fill
  p.exact = true;
  p.method = "lambda = 0: every request is a batch of one";
}

// The regime's longest base sojourn (no batch queueing), for the p99 spread.
double LongestBase(const Model& m, bool window_limited) {
  const int b = m.max_batch;
  const double s_b = BatchTime(m, b);
  if (window_limited) {
    const auto open = [&](double x) { return RegularizedGammaQ(b - 1, m.lambda * x); };
    const double fill99 = QuantileFromSurvival(open, 0.99, (b - 1) / m.lambda);
    return std::min(m.window_s, fill99) + s_b;
  }
  const int c = m.servers;
  return s_b + (c == 1 ? s_b : (s_b + s_b / c) / 2);
}

void PredictComposite(const Model& m, BatchStationPrediction& p) {
  const int b = m.max_batch;
  const int c = m.servers;
  const double s_b = BatchTime(m, b);
  const AtomExpWait wait = FullBatchWait(m, p.rho);
  // light: the window model; its p99 is the hard bound of that regime.
  const double window = BatchWindowModelMeanSojourn(m);
  p.light = {window, m.window_s > 0 ? m.window_s + s_b : BatchTime(m, 1)};
  // heavy: full batches.
  const auto heavy_survival = [&](double t) {
    return SurvivalPlus(
        wait, [&](double x) { return FillCdf(m.lambda, b, x); }, t - s_b);
  };
  const double fill_mean = (b - 1) / (2 * m.lambda);
  p.heavy = {fill_mean + wait.Mean() + s_b,
             QuantileFromSurvival(heavy_survival, 0.99, fill_mean + wait.Mean() + s_b)};
  // best: the larger base plus batch queueing.
  double contention = ContentionBase(m.lambda, c, m);
  if (c > 1) contention = (contention + ContentionBase(m.lambda / c, 1, m)) / 2;
  const bool window_limited = window >= contention;
  const double base = std::max(window, contention);
  double hi = LongestBase(m, window_limited);
  double lo = 2 * base - hi;
  if (lo < BatchTime(m, 1)) {
    lo = std::min(BatchTime(m, 1), base);
    hi = 2 * base - lo;
  }
  p.best = {base + wait.Mean(), UniformPlusWaitP99(lo, hi, wait)};
  p.exact = false;
  p.method = window_limited
                 ? "composite (heuristic): window-model mean + full-batch queueing"
                 : "composite (heuristic): contention mean-value model + full-batch queueing";
}

}  // namespace

double BatchCapacity(int servers, int max_batch, double fixed_s, double per_item_s) {
  assert(servers >= 1 && max_batch >= 1 && fixed_s >= 0 && per_item_s >= 0);
  assert(fixed_s + per_item_s > 0);
  return servers * max_batch / (fixed_s + per_item_s * max_batch);
}

double BatchWindowModelMeanSojourn(const Model& m) {
  assert(m.lambda >= 0 && m.max_batch >= 1 && m.window_s >= 0);
  assert(m.fixed_s >= 0 && m.per_item_s >= 0);
  const int b = m.max_batch;
  if (b == 1 || m.window_s == 0) return BatchTime(m, 1);
  if (m.lambda == 0) return m.window_s + BatchTime(m, 1);
  const double mean_n = m.lambda * m.window_s;
  double open = 0, area = 0, k1 = 1, k2 = 1;  // E[tau] and E[int N] times lambda; E[K], E[K^2]
  for (int n = 1; n < b; ++n) {
    const double tail = PoissonAtLeast(n, mean_n);
    open += tail;
    area += (n - 1) * tail;
    k1 += tail;
    k2 += (2 * n + 1) * tail;
  }
  return ((open + area) / m.lambda + m.fixed_s * k1 + m.per_item_s * k2) / k1;
}

BatchStationPrediction PredictBatchStation(const Model& m) {
  assert(m.lambda >= 0 && m.servers >= 1 && m.max_batch >= 1);
  assert(m.window_s >= 0 && std::isfinite(m.window_s));
  BatchStationPrediction p;
  p.capacity_rps = BatchCapacity(m.servers, m.max_batch, m.fixed_s, m.per_item_s);
  p.rho = m.lambda / p.capacity_rps;
  p.stable = p.rho < 1;
  if (!p.stable) {
    p.light = p.heavy = p.best = Infinite();
    p.exact = true;
    p.method = "unstable (lambda >= capacity): waits grow without bound";
  } else if (m.max_batch == 1) {
    PredictSingleItem(m, p);
  } else if (m.lambda == 0) {
    PredictIdle(m, p);
  } else {
    PredictComposite(m, p);
  }
  return p;
}

}  // namespace fleetlab::analytic
