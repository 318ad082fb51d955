#include "cli/analytic_command.h"

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <functional>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "fleetlab/analytic/batch_station.h"
#include "fleetlab/analytic/multiserver.h"
#include "fleetlab/analytic/parallelism.h"
#include "fleetlab/analytic/queueing.h"
#include "fleetlab/analytic/speculative.h"
#include "fleetlab/analytic/station.h"
#include "fleetlab/analytic/tail.h"

namespace fleetlab::cli {
namespace {

namespace an = fleetlab::analytic;
constexpr double kInf = std::numeric_limits<double>::infinity();

// ---- Output: a titled list of input and result rows, as a table or JSON.

enum class Unit { kNumber, kInteger, kSeconds, kPerSecond, kBool };

struct Row {
  std::string key;    // JSON name; times get "_ms" appended
  std::string label;  // table label
  double value;
  Unit unit = Unit::kNumber;
};

struct Report {
  std::string command, title, method;
  bool exact = true;
  std::vector<Row> inputs, results;
  std::vector<std::string> notes;
};

std::string FormatValue(double v, Unit unit) {
  if (unit == Unit::kBool) return v != 0 ? "yes" : "no";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (unit == Unit::kSeconds) {
    const double ms = v * 1e3;
    return std::fabs(ms) >= 0.1 || ms == 0 ? fmt::format("{:.3f} ms", ms)
                                           : fmt::format("{:.4g} ms", ms);
  }
  if (unit == Unit::kPerSecond) return fmt::format("{:.6g} /s", v);
  if (unit == Unit::kInteger) return fmt::format("{:.0f}", v);
  return fmt::format("{:.8g}", v);
}

using Json = nlohmann::ordered_json;

Json RowsToJson(const std::vector<Row>& rows) {
  Json j = Json::object();
  for (const Row& r : rows) {
    if (r.unit == Unit::kBool) {
      j[r.key] = r.value != 0;
    } else if (r.unit == Unit::kInteger) {
      j[r.key] = static_cast<long long>(r.value);
    } else {
      const double v = r.unit == Unit::kSeconds ? r.value * 1e3 : r.value;
      const std::string key = r.unit == Unit::kSeconds ? r.key + "_ms" : r.key;
      j[key] = std::isfinite(v) ? Json(v) : Json(nullptr);
    }
  }
  return j;
}

void Emit(const Report& r, bool json, std::ostream& out) {
  if (json) {
    const Json j = {{"command", r.command},
                    {"method", r.method},
                    {"exact", r.exact},
                    {"inputs", RowsToJson(r.inputs)},
                    {"results", RowsToJson(r.results)},
                    {"notes", r.notes}};
    out << j.dump(2) << "\n";
    return;
  }
  std::size_t width = 0;
  for (const auto* rows : {&r.inputs, &r.results}) {
    for (const Row& row : *rows) width = std::max(width, row.label.size());
  }
  out << r.title << "\n  method: " << r.method << "\n  exact:  " << (r.exact ? "yes" : "no")
      << "\n";
  for (const auto& [name, rows] :
       {std::pair{"inputs", &r.inputs}, std::pair{"results", &r.results}}) {
    out << name << "\n";
    for (const Row& row : *rows) {
      out << fmt::format("  {:<{}}  {}\n", row.label, width, FormatValue(row.value, row.unit));
    }
  }
  for (const std::string& note : r.notes) out << "note: " << note << "\n";
}

// Reports an invalid combination of flags: message to err, exit code 2.
void Fail(CommandContext& ctx, const std::string& message) {
  ctx.err << "error: " << message << "\n";
  ctx.exit_code = 2;
}

// ---- Flags: every numeric flag is checked for a finite value in its range.

CLI::Validator NumberIn(double lo, double hi, bool open_lo = false) {
  std::string range;
  if (std::isinf(hi)) {
    range = fmt::format("{} {}", open_lo ? ">" : ">=", lo);
  } else {
    range = fmt::format("in {}{}, {}]", open_lo ? "(" : "[", lo, hi);
  }
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool parsed = end != text.c_str() && *end == '\0';
        if (!parsed || !std::isfinite(v) || v < lo || v > hi || (open_lo && v == lo)) {
          return fmt::format("got '{}', allowed: a finite number {}", text, range);
        }
        return {};
      },
      range);
}
CLI::Validator Positive() { return NumberIn(0, kInf, true); }
CLI::Validator NonNegative() { return NumberIn(0, kInf); }
CLI::Validator Probability() { return NumberIn(0, 1); }

template <typename T>
CLI::Option* AddFlag(CLI::App* sub, const std::string& name, T& var, const std::string& help,
                     const CLI::Validator& check, bool required = true) {
  CLI::Option* opt = sub->add_option(name, var, help)->check(check);
  return required ? opt->required() : opt->capture_default_str();
}

// Adds a subcommand whose options live in a shared Opts, run by `run`.
template <typename Opts>
std::pair<CLI::App*, std::shared_ptr<Opts>> AddSub(
    CLI::App* parent, CommandContext& ctx, const std::string& name, const std::string& help,
    const std::string& footer, std::function<void(const Opts&, CommandContext&)> run) {
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = parent->add_subcommand(name, help);
  sub->footer(footer);
  sub->add_flag("--json", opts->json, "print one JSON object instead of a table");
  sub->callback([opts, &ctx, run] { run(*opts, ctx); });
  return {sub, opts};
}

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

}  // namespace

void AddAnalyticCommand(CLI::App& app, CommandContext& ctx) {
  CLI::App* analytic = app.add_subcommand(
      "analytic",
      "Closed-form queueing and serving formulas (the analytic twin); rates 1/s, times ms");
  analytic->require_subcommand(1);
  AddQueues(analytic, ctx);
  AddBatch(analytic, ctx);
  AddOthers(analytic, ctx);
}

}  // namespace fleetlab::cli
