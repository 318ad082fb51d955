// The analytic twin of a batching station (dynamic batching of LLM or DNN
// requests): Poisson arrivals at rate lambda into one FIFO queue, c identical
// servers, batches of at most B requests. A free server starts a batch when
// B requests wait, or when the oldest waiting request has waited the window
// w (with w = 0: as soon as anything waits), taking up to B of them. A batch
// of k requests takes exactly f + p k seconds.
//
// What is exact, and what is not (details and the validation grid in
// docs/analytic.md, "Batching station"):
//   * capacity c B / (f + p B) and stability (lambda below it): exact;
//   * B = 1: the station is M/D/c with D = f + p (the window never holds a
//     lone request); for c = 1 everything is exact (M/D/1, Crommelin), for
//     c > 1 it is PredictStation's Allen–Cunneen M/D/c approximation;
//   * `light`, the no-contention window model: batches form by the window
//     rule alone and never wait for a server. Its mean is exact whenever no
//     batch waits for a server (always as lambda -> 0, where it tends to
//     w + f + p, or f + p when w = 0); its p99 field is a hard upper bound on
//     any sojourn in that regime: w + f + p B (f + p when w = 0).
//   * `heavy`, the full-batch model: every batch holds B requests, so batches
//     are every B-th arrival (Erlang-B gaps, Ca^2 = 1/B) served in exactly
//     S_B = f + p B; sojourn = fill time (wait for the B - j later arrivals,
//     mean (B - 1) / (2 lambda)) + batch queueing (Kingman, or Allen–Cunneen
//     for c > 1, times the Krämer–Langenbach-Belz factor, atom-plus-
//     exponential tail) + S_B. Relative error -> 0 as rho -> 1; it
//     overestimates at lower load, where batches are not full. B = 1, c = 1
//     gives M/D/1 exactly.
//   * `best`: a composite, exact in both limits, that is a heuristic between
//     them. mean = max(window-model mean, contention-model mean) + batch
//     queueing of the heavy model, where the contention model is a
//     mean-value analysis of w = 0 batching (batch sizes follow the Markov
//     chain k' = clamp(Poisson(lambda S_k / c), 1, B); an arrival finds all
//     servers busy with probability ErlangC, waits half a batch time, and is
//     served in the next batch); for c > 1 the pooled and the split (c
//     independent single servers at lambda / c) versions are averaged. p99
//     from base ~ uniform (matched to the base mean, capped by the regime's
//     longest base sojourn) plus the batch-queueing tail. Against a
//     discrete-event simulation over c in {1..16}, B in {8..32}, w in
//     {0, S_B/4, S_B}, rho in [0.1, 0.95] the mean was within 16% (RMS 5%),
//     the p99 within 40% (RMS 14%).
//
// Units: rates 1/s, times seconds. Pure; never throws. Unstable (rho >= 1):
// stable = false and every time is +infinity.
#pragma once

#include <string>

namespace fleetlab::analytic {

struct BatchStationModel {
  double lambda = 0;      // Poisson arrival rate, 1/s
  int servers = 1;        // c
  int max_batch = 1;      // B
  double window_s = 0;    // w: longest a request is held for its batch to fill
  double fixed_s = 0;     // f: time of a batch regardless of its size
  double per_item_s = 0;  // p: added time per request in the batch
};

struct BatchEstimate {
  double mean_sojourn_s = 0;
  double p99_sojourn_s = 0;
};

struct BatchStationPrediction {
  double capacity_rps = 0;  // c B / (f + p B), exact
  double rho = 0;           // lambda / capacity_rps
  bool stable = false;      // rho < 1, exact
  BatchEstimate light;      // no-contention window model (p99: hard bound in that regime)
  BatchEstimate heavy;      // full-batch model, asymptotically exact as rho -> 1
  BatchEstimate best;       // composite (see above)
  bool exact = false;       // whether `best` is exact (B = 1, c = 1: M/D/1)
  std::string method;       // how `best` was obtained
};

// Capacity of the batching station, c B / (f + p B) requests per second: the
// throughput when every batch is full. REQUIRES: servers >= 1, max_batch >= 1,
// fixed_s >= 0, per_item_s >= 0, fixed_s + per_item_s > 0.
double BatchCapacity(int servers, int max_batch, double fixed_s, double per_item_s);

// Mean sojourn of the no-contention window model (exact when batches never
// wait for a server): with N ~ Poisson(lambda w), K = min(B, 1 + N) the
// batch size and tau = min(w, time of the (B-1)-th later arrival) the time a
// batch stays open, renewal-reward over batch cycles gives
//   (E[tau] + E[integral_0^tau N(s) ds] + f E[K] + p E[K^2]) / E[K],
//   E[tau] = (1/lambda) sum_{n=1}^{B-1} P(N >= n),
//   E[integral] = (1/lambda) sum_{n=2}^{B-1} (n-1) P(N >= n).
// Equals f + p when w = 0 or B = 1, and tends to w + f + p as lambda -> 0.
// REQUIRES: lambda >= 0, max_batch >= 1, window_s >= 0, fixed/per-item >= 0.
double BatchWindowModelMeanSojourn(const BatchStationModel& model);

// All of the above for one station. REQUIRES: lambda >= 0, servers >= 1,
// max_batch >= 1, window_s >= 0 and finite, fixed_s >= 0, per_item_s >= 0,
// fixed_s + per_item_s > 0. Cost grows as B^2 (the batch-size chain).
BatchStationPrediction PredictBatchStation(const BatchStationModel& model);

}  // namespace fleetlab::analytic
