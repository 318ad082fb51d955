#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "cli/analytic_support.h"
#include "fleetlab/analytic/batch_station.h"
#include "fleetlab/analytic/multiserver.h"
#include "fleetlab/analytic/parallelism.h"
#include "fleetlab/analytic/queueing.h"
#include "fleetlab/analytic/speculative.h"
#include "fleetlab/analytic/station.h"
#include "fleetlab/analytic/tail.h"

namespace fleetlab::cli::analytic_cli {
namespace an = fleetlab::analytic;
namespace {

// ---- Erlang, Little, fan-out, collectives, pipeline, speculative decoding.

struct ErlangOpts {
  int servers = 1;
  double load = 0;
  bool json = false;
};

void RunErlang(const ErlangOpts& o, CommandContext& ctx) {
  Report r{"erlang",
           "Erlang loss and delay formulas",
           "Erlang B recursion; Erlang C from B",
           true,
           {},
           {},
           {}};
  r.inputs = {{"servers", "servers c", double(o.servers), Unit::kInteger},
              {"load", "offered load a (Erlangs)", o.load}};
  r.results = {{"erlang_b", "Erlang B (blocking, M/G/c/c)", an::ErlangB(o.servers, o.load)},
               {"erlang_c", "Erlang C (P(wait), M/M/c)", an::ErlangC(o.servers, o.load)},
               {"utilization", "utilization a / c", o.load / o.servers}};
  if (o.load >= o.servers)
    r.notes.push_back("a >= c: an M/M/c queue is unstable, so Erlang C is 1");
  Emit(r, o.json, ctx.out);
}

struct LittleOpts {
  double lambda = 0, time_ms = 0, number = 0;
  CLI::Option *lambda_flag = nullptr, *time_flag = nullptr, *number_flag = nullptr;
  bool json = false;
};

void RunLittle(const LittleOpts& o, CommandContext& ctx) {
  const bool has_l = o.lambda_flag->count() > 0, has_t = o.time_flag->count() > 0,
             has_n = o.number_flag->count() > 0;
  if (has_l + has_t + has_n != 2)
    return Fail(ctx, "give exactly two of --lambda, --time-ms, --number");
  double lambda = o.lambda, time = o.time_ms / 1e3, number = o.number;
  if (!has_n) {
    number = an::LittleNumber(lambda, time);
  } else if (!has_t) {
    if (lambda <= 0)
      return Fail(ctx, "--lambda must be > 0 to compute the time, allowed: a number > 0");
    time = an::LittleTime(number, lambda);
  } else {
    if (time <= 0)
      return Fail(ctx, "--time-ms must be > 0 to compute the rate, allowed: a number > 0");
    lambda = an::LittleThroughput(number, time);
  }
  Report r{"little", "Little's law L = lambda W", "Little 1961", true, {}, {}, {}};
  r.results = {{"lambda_per_s", "throughput lambda", lambda, Unit::kPerSecond},
               {"time", "mean time in system W", time, Unit::kSeconds},
               {"number", "mean number in system L", number}};
  Emit(r, o.json, ctx.out);
}

struct FanoutOpts {
  double p = 0;
  long n = 1, k = -1;
  bool json = false;
};

void RunFanout(const FanoutOpts& o, CommandContext& ctx) {
  if (o.k > o.n)
    return Fail(ctx, fmt::format("--k must be in [0, --n] = [0, {}] (got {})", o.n, o.k));
  Report r{"fanout",
           "Fan-out tail amplification (Dean & Barroso 2013)",
           "1 - (1 - p)^n; binomial tail for k of n",
           true,
           {},
           {},
           {}};
  r.inputs = {{"p", "P(leaf slow)", o.p}, {"n", "leaves n", double(o.n), Unit::kInteger}};
  r.results = {
      {"p_request_slow", "P(request slow): any leaf slow", an::FanOutSlowProbability(o.p, o.n)},
      {"leaf_quantile_for_p99", "leaf quantile needed for request P99",
       an::FanOutLeafQuantile(0.99, o.n)}};
  if (o.k >= 0) {
    r.inputs.push_back({"k", "leaves waited for k", double(o.k), Unit::kInteger});
    const double done = an::KOfNCompletionProbability(1 - o.p, o.n, o.k);
    r.results.push_back({"p_k_fast", "P(at least k leaves fast)", done});
    r.results.push_back({"p_request_slow_k_of_n", "P(request slow) waiting for k of n", 1 - done});
  }
  Emit(r, o.json, ctx.out);
}

struct AllreduceOpts {
  double bytes = 0, bandwidth_gbps = 0, alpha_us = 0;
  int ranks = 1;
  bool json = false;
};

void RunAllreduce(const AllreduceOpts& o, CommandContext& ctx) {
  const double bw = o.bandwidth_gbps * 1e9, alpha = o.alpha_us * 1e-6;
  Report r{"allreduce",
           "Ring collectives (alpha-beta model)",
           "Patarasuk & Yuan 2009; Thakur et al. 2005",
           true,
           {},
           {},
           {}};
  r.inputs = {{"bytes", "buffer bytes S", o.bytes, Unit::kNumber},
              {"ranks", "ranks n", double(o.ranks), Unit::kInteger},
              {"bandwidth_GBps", "link bandwidth, GB/s", o.bandwidth_gbps},
              {"alpha", "per-step latency alpha", alpha, Unit::kSeconds}};
  r.results = {{"all_reduce", "all-reduce 2(n-1)/n S/B + 2(n-1) alpha",
                an::RingAllReduceTime(o.bytes, o.ranks, bw, alpha), Unit::kSeconds},
               {"all_gather", "all-gather (n-1)/n S/B + (n-1) alpha",
                an::RingAllGatherTime(o.bytes, o.ranks, bw, alpha), Unit::kSeconds},
               {"reduce_scatter", "reduce-scatter (same as all-gather)",
                an::RingReduceScatterTime(o.bytes, o.ranks, bw, alpha), Unit::kSeconds}};
  Emit(r, o.json, ctx.out);
}

struct BubbleOpts {
  int stages = 1, microbatches = 1;
  bool json = false;
};

void RunBubble(const BubbleOpts& o, CommandContext& ctx) {
  const double bubble = an::PipelineBubbleFraction(o.stages, o.microbatches);
  Report r{
      "bubble", "Pipeline bubble (GPipe, Huang et al. 2019)", "(p - 1) / (m + p - 1)", true, {}, {},
      {}};
  r.inputs = {{"stages", "stages p", double(o.stages), Unit::kInteger},
              {"microbatches", "micro-batches m", double(o.microbatches), Unit::kInteger}};
  r.results = {{"bubble_fraction", "idle (bubble) fraction", bubble},
               {"efficiency", "busy fraction", 1 - bubble}};
  Emit(r, o.json, ctx.out);
}

struct SpeculativeOpts {
  double alpha = 0, cost = 0;
  int gamma = 1;
  bool json = false;
};

void RunSpeculative(const SpeculativeOpts& o, CommandContext& ctx) {
  Report r{"speculative",
           "Speculative decoding (Leviathan et al. 2023)",
           "i.i.d. acceptance",
           true,
           {},
           {},
           {}};
  r.inputs = {{"alpha", "acceptance rate alpha", o.alpha},
              {"gamma", "drafted tokens gamma", double(o.gamma), Unit::kInteger},
              {"cost", "draft step cost c (target steps)", o.cost}};
  r.results = {
      {"tokens_per_step", "tokens per target step", an::SpeculativeTokensPerStep(o.alpha, o.gamma)},
      {"speedup", "wall-time speedup", an::SpeculativeSpeedup(o.alpha, o.gamma, o.cost)}};
  Emit(r, o.json, ctx.out);
}

}  // namespace

void AddOthers(CLI::App* a, CommandContext& ctx) {
  {
    auto [sub, o] = AddSub<ErlangOpts>(
        a, ctx, "erlang", "Erlang B and C for c servers and offered load a",
        "B(c, a): blocking of the M/G/c/c loss system, by B(k) = a B(k-1) / (k + a B(k-1)).\n"
        "C(c, a) = B / (1 - (a/c)(1 - B)): probability of waiting in M/M/c. a = lambda/mu in "
        "Erlangs.",
        RunErlang);
    AddFlag(sub, "--servers", o->servers, "number of servers c", NumberIn(1, 1e7));
    AddFlag(sub, "--load", o->load, "offered load a = lambda / mu, Erlangs", NonNegative());
  }
  {
    auto [sub, o] = AddSub<LittleOpts>(
        a, ctx, "little", "Little's law: give two of rate, time, number",
        "L = lambda W for any stationary system (Little 1961): mean number present = throughput\n"
        "x mean time. Give exactly two of --lambda (1/s), --time-ms, --number; the third is "
        "printed.",
        RunLittle);
    o->lambda_flag = AddFlag(sub, "--lambda", o->lambda, "throughput, 1/s", NonNegative(), false);
    o->time_flag =
        AddFlag(sub, "--time-ms", o->time_ms, "mean time in system, ms", NonNegative(), false);
    o->number_flag =
        AddFlag(sub, "--number", o->number, "mean number in system", NonNegative(), false);
  }
  {
    auto [sub, o] = AddSub<FanoutOpts>(
        a, ctx, "fanout", "Fan-out: P(request slow) from P(leaf slow)",
        "A request waiting for all n independent leaves is slow with probability 1 - (1 - p)^n\n"
        "(p = 0.01, n = 100: 0.634; Dean & Barroso 2013). With --k it waits for k of n leaves:\n"
        "P(at least k fast) is the binomial tail.",
        RunFanout);
    AddFlag(sub, "--p", o->p, "probability that one leaf is slow", Probability());
    AddFlag(sub, "--n", o->n, "number of leaves", NumberIn(1, 1e6));
    sub->add_option("--k", o->k, "wait for only k of the n leaves")->check(NumberIn(0, 1e6));
  }
  {
    auto [sub, o] = AddSub<AllreduceOpts>(
        a, ctx, "allreduce", "Ring all-reduce, all-gather, reduce-scatter times",
        "Ring all-reduce of S bytes over n ranks: 2(n-1)/n S/B + 2(n-1) alpha; all-gather and\n"
        "reduce-scatter: (n-1)/n S/B + (n-1) alpha (Patarasuk & Yuan 2009). B in GB/s = 1e9 B/s.",
        RunAllreduce);
    AddFlag(sub, "--bytes", o->bytes, "buffer size S, bytes", NonNegative());
    AddFlag(sub, "--ranks", o->ranks, "number of ranks n", NumberIn(1, 1e6));
    AddFlag(sub, "--bandwidth-GBps", o->bandwidth_gbps, "per-link bandwidth B, GB/s (1e9 bytes/s)",
            Positive());
    AddFlag(sub, "--alpha-us", o->alpha_us, "per-step latency alpha, microseconds", NonNegative(),
            false);
  }
  {
    auto [sub, o] = AddSub<BubbleOpts>(
        a, ctx, "bubble", "Pipeline-parallel bubble fraction",
        "Idle fraction of a synchronous pipeline with p stages and m micro-batches:\n"
        "(p - 1) / (m + p - 1) (GPipe, Huang et al. 2019).",
        RunBubble);
    AddFlag(sub, "--stages", o->stages, "pipeline stages p", NumberIn(1, 1e6));
    AddFlag(sub, "--microbatches", o->microbatches, "micro-batches m", NumberIn(1, 1e9));
  }
  {
    auto [sub, o] = AddSub<SpeculativeOpts>(
        a, ctx, "speculative", "Speculative decoding: tokens per step, speedup",
        "Tokens per target step (1 - alpha^(gamma+1)) / (1 - alpha); speedup divides by\n"
        "(gamma c + 1), c = draft step cost in target steps (Leviathan et al. 2023).\n"
        "alpha 0.8, gamma 5, c 0: 3.69x.",
        RunSpeculative);
    AddFlag(sub, "--alpha", o->alpha, "acceptance rate of a drafted token", Probability());
    AddFlag(sub, "--gamma", o->gamma, "drafted tokens per step", NumberIn(0, 1024));
    AddFlag(sub, "--cost", o->cost, "draft step cost relative to a target step", NonNegative(),
            false);
  }
}

}  // namespace fleetlab::cli::analytic_cli
