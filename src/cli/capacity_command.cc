#include "cli/capacity_command.h"

#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/memory_flag.h"
#include "cli/progress_bar.h"
#include "fleetlab/sweep/capacity.h"
#include "fleetlab/sweep/worker_pool.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

json ToJson(const CapacitySpec& spec, const CapacityOutcome& out) {
  json j;
  j["slo"] = json::array();
  for (const SloTarget& t : spec.slos) j["slo"].push_back(t.text);
  j["rate"] = {{"low", spec.rate_low_per_s}, {"high", spec.rate_high_per_s}, {"tolerance_per_s", spec.tolerance_per_s}};
  j["target_rate_per_s"] = spec.target_rate_per_s > 0 ? json(spec.target_rate_per_s) : json();
  j["configurations"] = json::array();
  for (const CapacityResult& r : out.configs) {
    const bool has_max = r.bound == CapacityBound::kFound || r.bound == CapacityBound::kAtLeastHigh;
    const bool has_fail = r.bound == CapacityBound::kFound || r.bound == CapacityBound::kBelowLow;
    j["configurations"].push_back({
        {"name", r.name},
        {"error", r.error.empty() ? json() : json(r.error)},
        {"bound", kCapacityBoundNames.Name(r.bound)},
        {"max_rate_per_s", has_max ? json(r.max_rate_per_s) : json()},
        {"fail_rate_per_s", has_fail ? json(r.fail_rate_per_s) : json()},
        {"miss", r.miss.empty() ? json() : json(r.miss)},
        {"runs", r.runs},
        {"meets_target", spec.target_rate_per_s > 0 ? json(r.meets_target) : json()},
        {"gpus", r.gpus > 0 ? json(r.gpus) : json()},
        {"usd_per_hour", r.usd_per_hour >= 0 ? json(r.usd_per_hour) : json()},
        {"usd_per_million_input_tokens", r.usd_per_million_input_tokens >= 0 ? json(r.usd_per_million_input_tokens) : json()},
        {"usd_per_million_output_tokens",
         r.usd_per_million_output_tokens >= 0 ? json(r.usd_per_million_output_tokens) : json()},
        {"report_at_max", r.report_at_max},
    });
  }
  j["cheapest"] = out.cheapest >= 0 ? json(out.configs[out.cheapest].name) : json();
  return j;
}

std::string MaxText(const CapacityResult& r, const CapacitySpec& spec) {
  switch (r.bound) {
    case CapacityBound::kFound: return fmt::format("{:.3f}", r.max_rate_per_s);
    case CapacityBound::kAtLeastHigh: return fmt::format(">= {:.3f}", spec.rate_high_per_s);
    case CapacityBound::kBelowLow: return fmt::format("< {:.3f}", spec.rate_low_per_s);
    case CapacityBound::kNone: break;
  }
  return "-";
}

std::string ToText(const CapacitySpec& spec, const CapacityOutcome& out) {
  std::string s = "SLOs:";
  for (const SloTarget& t : spec.slos) s += " [" + t.text + "]";
  s += fmt::format("\nbisection on workload.arrival.rate_per_s in [{}, {}], tolerance {} req/s\n\n", spec.rate_low_per_s,
                   spec.rate_high_per_s, spec.tolerance_per_s);
  s += fmt::format("{:<24} {:>14} {:>5} {:>6} {:>10} {:>9} {:>9} {:>10}  {}\n", "configuration", "max rate/s", "runs",
                   "GPUs", "$/hour", "$/1M in", "$/1M out", "at target", "first miss / error");
  const auto money = [](double x, const char* f) { return x >= 0 ? fmt::format(fmt::runtime(f), x) : std::string("-"); };
  for (const CapacityResult& r : out.configs) {
    const std::string target = spec.target_rate_per_s <= 0 ? "-" : (r.meets_target ? "meets" : "misses");
    s += fmt::format("{:<24} {:>14} {:>5} {:>6} {:>10} {:>9} {:>9} {:>10}  {}\n", r.name,
                     r.error.empty() ? MaxText(r, spec) : "-", r.runs, r.gpus > 0 ? std::to_string(r.gpus) : "-",
                     money(r.usd_per_hour, "{:.2f}"), money(r.usd_per_million_input_tokens, "{:.3f}"),
                     money(r.usd_per_million_output_tokens, "{:.3f}"), target, r.error.empty() ? r.miss : r.error);
  }
  s += fmt::format("(GPUs: every GPU of the system; $ per 1M tokens split by GPU time, docs/report.md; all {})\n",
                   spec.target_rate_per_s > 0 ? "at the target rate" : "at each configuration's max rate");
  if (spec.target_rate_per_s > 0) {
    s += out.cheapest >= 0
             ? fmt::format("\ncheapest meeting the SLOs at {} req/s: {} ({} GPUs, ${:.2f}/hour)\n", spec.target_rate_per_s,
                           out.configs[out.cheapest].name, out.configs[out.cheapest].gpus,
                           out.configs[out.cheapest].usd_per_hour)
             : fmt::format("\nno configuration with a known price meets the SLOs at {} req/s\n", spec.target_rate_per_s);
  }
  return s;
}

}  // namespace

void AddCapacityCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("capacity", "Highest request rate each configuration serves within SLOs (bisection), "
                                             "and the cheapest that serves a target rate (docs/sweep.md).");
  auto path = std::make_shared<std::string>();
  auto as_json = std::make_shared<bool>(false);
  auto threads = std::make_shared<unsigned>(DefaultThreads());
  cmd->add_option("capacity", *path, "Capacity JSON file (docs/sweep.md).")->required();
  cmd->add_flag("--json", *as_json, "Print JSON (with each configuration's report at its highest rate).");
  cmd->add_option("--threads", *threads, "Configurations searched at once (results do not depend on it).")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  auto max_memory = std::make_shared<std::string>();
  AddMaxMemoryFlag(cmd, max_memory.get());
  cmd->callback([&ctx, path, as_json, threads, max_memory]() {
    auto spec = LoadCapacity(*path);
    Status ok = spec.status();
    if (ok.ok()) {  // configurations run `threads` at a time
      const unsigned concurrent = std::max(1u, std::min<unsigned>(*threads, spec->configs.size()));
      auto per_run = MemoryPerRun(*max_memory, concurrent);
      ok = per_run.ok() ? CheckCapacityMemory(*spec, *per_run, fmt::format("--max-memory {} over {} runs at once",
                                                                            *max_memory, concurrent))
                        : per_run.status();
    }
    ProgressBar bar(stderr, "configurations");
    auto out = ok.ok() ? RunCapacity(*spec, *threads, bar.Callback()) : Result<CapacityOutcome>(ok);
    bar.Finish();
    if (!out.ok()) {
      ctx.err << "fleetlab: " << out.status().message() << "\n";
      ctx.exit_code = 2;
      return;
    }
    ctx.out << (*as_json ? ToJson(*spec, *out).dump(2) + "\n" : ToText(*spec, *out));
  });
}

}  // namespace fleetlab::cli
