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

// ---- Single queues: mm1, md1, mg1, mmc, gg1, ggc, station.

struct QueueOpts {
  double lambda = 0, mu = 0, ca = 1, cs = 1;
  int servers = 1;
  std::string service = "exponential";
  CLI::Option* cs_flag = nullptr;  // to tell whether --cs was given
  bool json = false;
};

Report StationReport(const std::string& command, const an::StationModel& m, double mu) {
  const an::StationPrediction p = an::PredictStation(m);
  Report r{command,  fmt::format("{}: FIFO queue, {} server(s)", command, m.servers),
           p.method, p.exact,
           {},       {},
           {}};
  r.inputs = {{"lambda_per_s", "arrival rate", m.lambda, Unit::kPerSecond},
              {"mu_per_s", "service rate per server", mu, Unit::kPerSecond},
              {"mean_service", "mean service time", m.service.mean_s, Unit::kSeconds},
              {"servers", "servers", double(m.servers), Unit::kInteger},
              {"ca", "arrival CV (Ca)", std::sqrt(m.ca2)},
              {"cs", "service CV (Cs)", m.service.cv}};
  r.results = {{"utilization", "utilization rho", p.rho},
               {"stable", "stable", p.stable ? 1.0 : 0.0, Unit::kBool},
               {"mean_wait", "mean wait", p.mean_wait_s, Unit::kSeconds},
               {"mean_sojourn", "mean sojourn", p.mean_sojourn_s, Unit::kSeconds}};
  const std::pair<const char*, const char*> levels[] = {
      {"p50", "P50"}, {"p90", "P90"}, {"p95", "P95"}, {"p99", "P99"}, {"p999", "P99.9"}};
  const double waits[] = {p.wait_p50, p.wait_p90, p.wait_p95, p.wait_p99, p.wait_p999};
  const double sojourns[] = {p.sojourn_p50, p.sojourn_p90, p.sojourn_p95, p.sojourn_p99,
                             p.sojourn_p999};
  for (int i = 0; i < 5; ++i) {
    r.results.push_back({fmt::format("wait_{}", levels[i].first),
                         fmt::format("wait {}", levels[i].second), waits[i], Unit::kSeconds});
  }
  for (int i = 0; i < 5; ++i) {
    r.results.push_back({fmt::format("sojourn_{}", levels[i].first),
                         fmt::format("sojourn {}", levels[i].second), sojourns[i], Unit::kSeconds});
  }
  r.results.push_back({"mean_in_system", "mean in system L", p.mean_in_system});
  r.results.push_back({"mean_in_queue", "mean in queue Lq", p.mean_in_queue});
  r.results.push_back({"mean_exact", "means exact", p.mean_exact ? 1.0 : 0.0, Unit::kBool});
  if (!p.stable) r.notes.push_back("unstable: utilization >= 1, waits grow without bound");
  if (p.stable && !p.exact) {
    r.notes.push_back(
        "percentiles approximate: wait = atom P(W>0) + exponential tail with the mean wait");
    if (m.service.family == an::ServiceLaw::Family::kOther) {
      r.notes.push_back("sojourn percentiles take the service time as gamma with this mean and CV");
    }
  }
  return r;
}

// The service law of `station`, or the reason the flags do not fit together.
std::string StationService(const QueueOpts& o, an::ServiceLaw& law) {
  const double mean = 1 / o.mu;
  const bool cs_given = o.cs_flag != nullptr && o.cs_flag->count() > 0;
  if (o.service == "exponential") {
    law = an::ServiceLaw::Exponential(mean);
    if (cs_given && o.cs != 1) return "--cs must be 1 (or omitted) with --service exponential";
  } else if (o.service == "deterministic") {
    law = an::ServiceLaw::Deterministic(mean);
    if (cs_given && o.cs != 0) return "--cs must be 0 (or omitted) with --service deterministic";
  } else if (!cs_given || o.cs <= 0) {
    return "--cs is required with --service " + o.service + ", allowed: a number in (0, 100]";
  } else {
    law = o.service == "gamma" ? an::ServiceLaw::Gamma(mean, o.cs)
                               : an::ServiceLaw::Lognormal(mean, o.cs);
  }
  return {};
}

using LawFn = std::function<an::ServiceLaw(const QueueOpts&)>;

// `law` empty means `station`: the family comes from --service.
void AddQueue(CLI::App* parent, CommandContext& ctx, const std::string& name,
              const std::string& help, const std::string& footer, bool servers, bool ca, bool cs,
              const LawFn& law) {
  const bool station = !law;
  auto [sub, o] = AddSub<QueueOpts>(
      parent, ctx, name, help, footer, [name, law](const QueueOpts& o, CommandContext& ctx) {
        an::ServiceLaw service;
        if (law) {
          service = law(o);
        } else if (std::string error = StationService(o, service); !error.empty()) {
          return Fail(ctx, error);
        }
        Emit(StationReport(name, {o.lambda, o.ca * o.ca, o.servers, service}, o.mu), o.json,
             ctx.out);
      });
  AddFlag(sub, "--lambda", o->lambda, "arrival rate, requests/s", NonNegative());
  AddFlag(sub, "--mu", o->mu, "service rate of one server, requests/s (mean service time 1/mu)",
          Positive());
  if (servers) {
    AddFlag(sub, "--servers", o->servers, "number of servers c", NumberIn(1, 1e6), !station);
  }
  if (ca) {
    AddFlag(sub, "--ca", o->ca, "CV of interarrival times (1 = Poisson)", NumberIn(0, 100),
            !station);
  }
  if (cs) {
    o->cs_flag = AddFlag(sub, "--cs", o->cs, "CV of service times (stddev / mean)",
                         NumberIn(0, 100), !station);
  }
  if (station) {
    sub->add_option("--service", o->service, "service-time family")
        ->check(CLI::IsMember({"exponential", "deterministic", "gamma", "lognormal"}))
        ->capture_default_str();
  }
}


// ---- Batching station.

struct BatchOpts {
  double lambda = 0, window_ms = 0, fixed_ms = 0, per_item_ms = 0;
  int servers = 1, max_batch = 1;
  bool json = false;
};

void RunBatch(const BatchOpts& o, CommandContext& ctx) {
  if (o.fixed_ms + o.per_item_ms <= 0) {
    return Fail(ctx, "--fixed-ms + --per-item-ms must be > 0 (a batch must take time)");
  }
  const an::BatchStationModel m{o.lambda,          o.servers,        o.max_batch,
                                o.window_ms / 1e3, o.fixed_ms / 1e3, o.per_item_ms / 1e3};
  const an::BatchStationPrediction p = an::PredictBatchStation(m);
  Report r{"batch", "Batching station", p.method, p.exact, {}, {}, {}};
  r.inputs = {{"lambda_per_s", "arrival rate", m.lambda, Unit::kPerSecond},
              {"servers", "servers", double(m.servers), Unit::kInteger},
              {"max_batch", "max batch B", double(m.max_batch), Unit::kInteger},
              {"window", "batch window w", m.window_s, Unit::kSeconds},
              {"fixed", "fixed time f", m.fixed_s, Unit::kSeconds},
              {"per_item", "per-item time p", m.per_item_s, Unit::kSeconds}};
  r.results = {
      {"capacity_per_s", "capacity c B / (f + p B)", p.capacity_rps, Unit::kPerSecond},
      {"utilization", "utilization lambda / capacity", p.rho},
      {"stable", "stable", p.stable ? 1.0 : 0.0, Unit::kBool},
      {"best_mean_sojourn", "best: mean sojourn", p.best.mean_sojourn_s, Unit::kSeconds},
      {"best_p99_sojourn", "best: P99 sojourn", p.best.p99_sojourn_s, Unit::kSeconds},
      {"light_mean_sojourn", "no-contention: mean sojourn", p.light.mean_sojourn_s, Unit::kSeconds},
      {"light_max_sojourn", "no-contention: max sojourn", p.light.p99_sojourn_s, Unit::kSeconds},
      {"heavy_mean_sojourn", "full-batch: mean sojourn", p.heavy.mean_sojourn_s, Unit::kSeconds},
      {"heavy_p99_sojourn", "full-batch: P99 sojourn", p.heavy.p99_sojourn_s, Unit::kSeconds}};
  if (m.max_batch == 1) {
    r.notes = {"B = 1: every request is a batch of one, so the station is an M/D/c queue"};
  } else {
    r.notes = {"no-contention model: exact mean while batches never wait for a server (light load)",
               "full-batch model: exact in the limit utilization -> 1; overestimates below",
               "best: heuristic composite, within ~16% (mean) and ~40% (P99) of simulation; see "
               "docs/analytic.md"};
  }
  if (!p.stable) r.notes.insert(r.notes.begin(), "unstable: arrival rate >= capacity");
  Emit(r, o.json, ctx.out);
}

}  // namespace

void AddQueues(CLI::App* a, CommandContext& ctx) {
  const auto exp = [](const QueueOpts& o) { return an::ServiceLaw::Exponential(1 / o.mu); };
  const auto other = [](const QueueOpts& o) { return an::ServiceLaw::Other(1 / o.mu, o.cs); };
  AddQueue(a, ctx, "mm1", "M/M/1: Poisson arrivals, exponential service, one server (exact)",
           "Sojourn ~ Exp(mu - lambda): mean 1/(mu - lambda), quantile -ln(1-q)/(mu - lambda);\n"
           "wait: atom 1 - rho at 0, P(W > t) = rho e^{-(mu - lambda) t}. Kleinrock 1975, 3.2.\n"
           "Rates in 1/s, times printed in ms.",
           false, false, false, exp);
  AddQueue(a, ctx, "md1", "M/D/1: Poisson arrivals, constant service 1/mu, one server (exact)",
           "Mean wait rho/(2 mu (1 - rho)) (Pollaczek-Khinchine, Cs = 0); percentiles from\n"
           "Crommelin's (1932) exact waiting-time law, with its exponential tail far out.",
           false, false, false,
           [](const QueueOpts& o) { return an::ServiceLaw::Deterministic(1 / o.mu); });
  AddQueue(a, ctx, "mg1", "M/G/1: Poisson arrivals, general service with CV --cs, one server",
           "Pollaczek-Khinchine mean wait rho E[S] (1 + Cs^2) / (2 (1 - rho)), exact.\n"
           "Percentiles approximate: P(W > t) ~ rho exp(-t rho / Wq); service taken as gamma.",
           false, false, true, other);
  AddQueue(a, ctx, "mmc", "M/M/c: Poisson arrivals, exponential service, c servers (exact)",
           "Erlang C: P(wait) = C(c, lambda/mu), mean wait C / (c mu - lambda),\n"
           "P(W > t) = C e^{-(c mu - lambda) t}; sojourn adds an independent Exp(mu).",
           true, false, false, exp);
  AddQueue(a, ctx, "gg1", "G/G/1: Kingman's approximation with arrival CV --ca, service CV --cs",
           "Wq ~ rho/(1 - rho) (Ca^2 + Cs^2)/2 E[S] (Kingman 1961); exact in heavy traffic and\n"
           "for Poisson arrivals. Tail: P(W > t) ~ rho exp(-t rho / Wq); service taken as gamma.",
           false, true, true, other);
  AddQueue(a, ctx, "ggc", "G/G/c: Allen-Cunneen approximation with --ca, --cs, --servers",
           "Wq ~ ErlangC(c, a) / (c mu - lambda) (Ca^2 + Cs^2)/2 (Allen 1990); exact for M/M/c.\n"
           "Tail: P(W > t) ~ C exp(-t C / Wq); service taken as gamma.",
           true, true, true, other);
  AddQueue(a, ctx, "station", "The analytic twin: picks the best formula for the station",
           "M/M/1, M/M/c and M/D/1 exactly; M/G/1 with the exact P-K mean; otherwise Kingman\n"
           "(c = 1) or Allen-Cunneen (c > 1). --cs is required for gamma and lognormal service.",
           true, true, true, nullptr);
}

void AddBatch(CLI::App* a, CommandContext& ctx) {
  auto [sub, o] = AddSub<BatchOpts>(
      a, ctx, "batch", "Dynamic batching station: capacity, mean and P99 sojourn",
      "Poisson arrivals, c servers, batches of at most B; a free server starts a batch when B "
      "wait\n"
      "or the oldest has waited w (w = 0: at once); a batch of k takes f + p k. Capacity\n"
      "c B / (f + p B) is exact; B = 1 is M/D/c (exact for c = 1). Means and P99s come from a\n"
      "no-contention window model (light load), a full-batch Kingman model (heavy load) and a\n"
      "composite of both; see docs/analytic.md. Times in ms, rates in 1/s.",
      RunBatch);
  AddFlag(sub, "--lambda", o->lambda, "arrival rate, requests/s", NonNegative());
  AddFlag(sub, "--servers", o->servers, "number of servers c", NumberIn(1, 1e4), false);
  AddFlag(sub, "--max-batch", o->max_batch, "largest batch B", NumberIn(1, 1024));
  AddFlag(sub, "--window-ms", o->window_ms, "batch window w, ms", NumberIn(0, 1e7), false);
  AddFlag(sub, "--fixed-ms", o->fixed_ms, "time of a batch independent of its size f, ms",
          NumberIn(0, 1e7));
  AddFlag(sub, "--per-item-ms", o->per_item_ms, "added time per request in the batch p, ms",
          NumberIn(0, 1e7));
}

}  // namespace fleetlab::cli::analytic_cli
