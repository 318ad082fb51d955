#include "cli/run_command.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <variant>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/frontier.h"
#include "fleetlab/llm/timeline.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "cli/memory_flag.h"
#include "cli/output_file.h"
#include "cli/request_csv.h"
#include "cli/progress_bar.h"

namespace fleetlab::cli {
namespace {

struct ScenarioArgs {
  std::string path;  // empty: the built-in default scenario
  std::vector<std::string> overrides;
  std::string max_memory;
};

void AddScenarioArgs(CLI::App* cmd, ScenarioArgs* args) {
  cmd->add_option("scenario", args->path,
                  "Scenario JSON file (docs/scenario.md). Omitted: the built-in default, an M/M/1 queue "
                  "(Poisson arrivals at 90/s, one server, exponential service with mean 10 ms).");
  cmd->add_option("--set", args->overrides,
                  "Override a scenario field: PATH=VALUE with a dotted path, e.g. --set workload.arrival.rate_per_s=95 "
                  "(repeatable; VALUE is JSON or a bare string).")
      ->type_name("PATH=VALUE");
  AddMaxMemoryFlag(cmd, &args->max_memory);
}

Result<Scenario> Load(const ScenarioArgs& args) {
  if (!args.path.empty()) return LoadScenario(args.path, args.overrides);
  nlohmann::json doc = nlohmann::json::object();
  doc["name"] = "default (M/M/1)";
  for (const auto& o : args.overrides) FLEETLAB_RETURN_IF_ERROR(ApplyOverride(doc, o));
  return ParseScenario(doc, "");
}

// --timeline traces LLM replicas; --requests is a CSV file.
Status CheckOutputs(const Scenario& s, const std::string& timeline, const std::string& requests) {
  if (!timeline.empty() && !s.llm()) {
    const bool path = std::holds_alternative<RequestPath>(s.system);
    return Status::InvalidArgument(fmt::format("--timeline: scenario \"{}\" has no LLM replica to trace (it is a {}); "
                                               "the timeline shows LLM iterations and request phases. Use --requests "
                                               "FILE.csv for every request's times", s.name,
                                               path ? "request path" : "service station"));
  }
  if (!timeline.empty() && !EndsWith(timeline, ".json") && !EndsWith(timeline, ".json.gz")) {
    return Status::InvalidArgument(fmt::format("--timeline {}: must end in .json or .json.gz", timeline));
  }
  if (!requests.empty() && !EndsWith(requests, ".csv")) {
    return Status::InvalidArgument(fmt::format("--requests {}: must end in .csv", requests));
  }
  return Status::Ok();
}

// The frontier runs min(threads, points) rates at once; the lowest rate
// spans the most simulated time, the highest queues the most requests (a
// timed run's: rate x duration_s).
Status CheckFrontierMemory(const Scenario& s, const FrontierOptions& o, const std::vector<double>& rates,
                           const std::string& max_memory) {
  const auto concurrent = static_cast<unsigned>(std::min<std::size_t>(o.threads, o.points));
  for (double rate : {rates.front(), rates.back()}) {
    Scenario at = s;
    at.workload.arrival.rate_per_s = rate;
    FLEETLAB_RETURN_IF_ERROR(CheckRunMemory(at, max_memory, std::max(1u, concurrent))
                                 .WithContext(fmt::format("the frontier's point at {:g} req/s", rate)));
  }
  return Status::Ok();
}

bool Fail(CommandContext& ctx, const Status& s) {
  ctx.err << "fleetlab: " << s.message() << "\n";
  ctx.exit_code = 2;
  return false;
}

}  // namespace

void AddRunCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("run", "Simulate one scenario and print its report (latency percentiles, "
                                        "throughput, utilisation, queue length, stability).");
  auto args = std::make_shared<ScenarioArgs>();
  auto json = std::make_shared<bool>(false);
  auto series = std::make_shared<bool>(false);
  auto timeline = std::make_shared<std::string>();
  AddScenarioArgs(cmd, args.get());
  cmd->add_flag("--json", *json, "Print the machine-readable report (docs/report.md) instead of text.");
  cmd->add_flag("--series", *series,
                "With --json, add an LLM replica's time series: queue over time and the KV-cache block map.");
  cmd->add_option("--timeline", *timeline,
                  "Write a Chrome/Perfetto trace of an LLM replica run to this file (open it in ui.perfetto.dev); "
                  "gzipped when the name ends in .gz.")
      ->type_name("FILE.json[.gz]");
  auto requests = std::make_shared<std::string>();
  cmd->add_option("--requests", *requests,
                  "Write one row per request (arrival, replica, TTFT, TPOT, e2e, tokens, preemptions) to this CSV "
                  "file as the run goes (docs/report.md, \"Per-request output\").")
      ->type_name("FILE.csv");
  cmd->callback([&ctx, args, json, series, timeline, requests]() {
    auto scenario = Load(*args);
    if (!scenario.ok()) return (void)Fail(ctx, scenario.status());
    if (Status s = CheckRunMemory(*scenario, args->max_memory, 1); !s.ok()) return (void)Fail(ctx, s);
    if (Status s = CheckOutputs(*scenario, *timeline, *requests); !s.ok()) return (void)Fail(ctx, s);
    Timeline trace;
    CsvRequestLog log;
    RunHooks hooks;
    hooks.kv_heatmap = *series;  // only a report with series shows the block map
    if (!timeline->empty()) hooks.timeline = &trace;
    if (!requests->empty()) {
      if (Status s = log.Open(*requests, "--requests"); !s.ok()) return (void)Fail(ctx, s);
      hooks.requests = &log;
    }
    ProgressBar bar(stderr, "% of the run");
    const std::function<void(double)> progress = [&bar](double done) {
      bar.Update(static_cast<std::uint64_t>(std::min(99.0, 100 * done)), 100);
    };
    if (bar.active()) hooks.progress = &progress;
    const auto start = std::chrono::steady_clock::now();
    auto report = RunScenario(*scenario, hooks);
    bar.Finish();
    const double wall_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    if (Status s = log.Close(); !s.ok()) return (void)Fail(ctx, s);
    if (!report.ok()) return (void)Fail(ctx, report.status());
    if (!timeline->empty()) {
      if (Status s = WriteOutputFile(*timeline, trace.ToJson().dump(), "--timeline"); !s.ok()) return (void)Fail(ctx, s);
    }
    if (*json) {
      ctx.out << ReportToJson(*report, *series).dump(2) << "\n";
    } else {
      ctx.out << ReportToText(*report, wall_ms);
    }
  });
}

void AddFrontierCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("frontier", "Run a scenario at a series of arrival rates and print the "
                                             "latency-throughput frontier with the analytic twin and the knee.");
  auto args = std::make_shared<ScenarioArgs>();
  auto rates = std::make_shared<std::string>("10:98:30");
  auto format = std::make_shared<std::string>("text");
  auto threads = std::make_shared<unsigned>(std::max(1u, std::thread::hardware_concurrency()));
  AddScenarioArgs(cmd, args.get());
  cmd->add_option("--rates", *rates, "Arrival rates LOW:HIGH:POINTS in requests/s, evenly spaced, ends included.")
      ->capture_default_str();
  auto loads = std::make_shared<std::string>();
  cmd->add_option("--loads", *loads,
                  "Instead of --rates: LOW:HIGH:POINTS as fractions of the measured capacity (an LLM replica's is "
                  "its throughput when overloaded), e.g. 0.1:1.3:14 spans light load to past saturation.");
  cmd->add_flag("--json{json}", *format, "Print column-oriented JSON series instead of a table.");
  cmd->add_flag("--csv{csv}", *format, "Print CSV, one row per rate.");
  auto knee = std::make_shared<double>(5.0);
  auto metric = std::make_shared<std::string>("e2e");
  cmd->add_option("--metric", *metric,
                  "Latency the knee is judged on: e2e, or ttft (time to first token; LLM replicas only).")
      ->check(CLI::IsMember({"e2e", "ttft"}))
      ->capture_default_str();
  cmd->add_option("--knee-factor", *knee,
                  "The knee is the last rate whose P99 stays within this multiple of the unloaded P99 "
                  "(5 puts an M/M/1 knee at 80% utilisation).")
      ->check(CLI::Range(1.0001, 1e6))
      ->capture_default_str();
  cmd->add_option("--threads", *threads, "Worker threads (results do not depend on it).")
      ->check(CLI::Range(1u, 256u))
      ->capture_default_str();
  cmd->callback([&ctx, args, rates, loads, format, threads, knee, metric]() {
    FrontierOptions options;
    options.threads = *threads;
    options.knee_factor = *knee;
    options.metric = *metric == "ttft" ? FrontierMetric::kTtft : FrontierMetric::kE2e;
    if (Status s = ParseRateSpec(*rates, &options); !s.ok()) return (void)Fail(ctx, s);
    if (!loads->empty()) {
      if (Status s = ParseLoadSpec(*loads, &options); !s.ok()) return (void)Fail(ctx, s);
    }
    auto scenario = Load(*args);
    if (!scenario.ok()) return (void)Fail(ctx, scenario.status());
    // With --rates every point is known now; with --loads, once the
    // capacity is measured (before any point runs).
    if (options.load_high == 0) {
      Status s = CheckFrontierMemory(*scenario, options, FrontierRates(options, 0), args->max_memory);
      if (!s.ok()) return (void)Fail(ctx, s);
    }
    options.admit_rates = [&options, &s = *scenario, &max = args->max_memory](const std::vector<double>& r) {
      return CheckFrontierMemory(s, options, r, max);
    };
    ProgressBar bar(stderr, "rates");
    options.progress = bar.Callback();
    auto frontier = RunFrontier(*scenario, options);
    bar.Finish();
    if (!frontier.ok()) return (void)Fail(ctx, frontier.status());
    if (*format == "json") {
      ctx.out << FrontierToJson(*frontier).dump(2) << "\n";
    } else if (*format == "csv") {
      ctx.out << FrontierToCsv(*frontier);
    } else {
      ctx.out << "scenario " << scenario->name << "\n" << FrontierToText(*frontier);
    }
  });
}

}  // namespace fleetlab::cli
