#include "cli/size_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/charts_pages.h"
#include "cli/memory_flag.h"
#include "cli/output_file.h"
#include "cli/progress_bar.h"
#include "cli/size_render.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/sweep/sizing.h"
#include "fleetlab/sweep/worker_pool.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

struct SizeArgs {
  std::string file, scenario, model, statistic, html;
  std::vector<std::string> gpus, pd;
  std::vector<std::uint64_t> tp, pp, max_running, max_batch_tokens;
  double rate = 0, prompt = 0, output = 0, cv = -1, ttft_ms = -1, tpot_ms = -1, e2e_ms = -1, attainment = -1;
  double budget = -1, headroom = -1, max_cost_ratio = -1;
  std::uint64_t top = 0, requests = 0;
  bool no_colocated = false, as_json = false;
  unsigned threads = DefaultThreads();
  std::string max_memory;
};

// The sizing document: the file's (if any) with the flags set over it.
Result<json> Document(const SizeArgs& a, std::string* dir) {
  json doc = json::object();
  if (!a.file.empty()) {
    auto read = ReadJsonFile(a.file, "sizing file");
    if (!read.ok()) return read.status();
    doc = std::move(read).value();
    if (!doc.is_object()) return Status::InvalidArgument(a.file + ": must hold a JSON object");
    *dir = std::filesystem::path(a.file).parent_path().string();
  }
  if (!a.scenario.empty()) doc["base"] = std::filesystem::absolute(a.scenario).string();
  if (!a.model.empty()) doc["model"] = a.model;
  if (!a.gpus.empty()) doc["gpus"] = a.gpus;
  if (a.rate > 0) doc["rate_per_s"] = a.rate;
  const auto lengths = [&](const char* field, double mean) {
    if (mean <= 0) return;
    doc["workload"][field] = a.cv == 0 ? json{{"distribution", "deterministic"}, {"mean", mean}}
                                       : json{{"distribution", "lognormal"}, {"mean", mean}, {"cv", a.cv < 0 ? 1.0 : a.cv}};
  };
  lengths("prompt_tokens", a.prompt);
  lengths("output_tokens", a.output);
  for (const auto& [key, value] : {std::pair{"ttft_ms", a.ttft_ms}, std::pair{"tpot_ms", a.tpot_ms},
                                   std::pair{"e2e_ms", a.e2e_ms}, std::pair{"attainment", a.attainment}}) {
    if (value >= 0) doc["slo"][key] = value;
  }
  if (!a.statistic.empty()) doc["slo"]["statistic"] = a.statistic;
  if (a.budget >= 0) doc["budget_usd_per_hour"] = a.budget;
  if (a.headroom >= 0) doc["headroom"] = a.headroom;
  if (a.max_cost_ratio >= 0) doc["max_cost_ratio"] = a.max_cost_ratio;
  if (a.top > 0) doc["top"] = a.top;
  if (a.requests > 0) doc["requests"] = a.requests;
  if (!a.tp.empty()) doc["search"]["tp"] = a.tp;
  if (!a.pp.empty()) doc["search"]["pp"] = a.pp;
  if (!a.max_running.empty()) doc["search"]["max_running"] = a.max_running;
  if (!a.max_batch_tokens.empty()) doc["search"]["max_batch_tokens"] = a.max_batch_tokens;
  if (!a.pd.empty()) doc["search"]["pd_ratios"] = a.pd == std::vector<std::string>{"none"} ? json::array() : json(a.pd);
  if (a.no_colocated) doc["search"]["colocated"] = false;
  return doc;
}

int Run(CommandContext& ctx, const SizeArgs& args) {
  std::string dir;
  auto doc = Document(args, &dir);
  ParseOptions parse;
  parse.base_dir = dir;
  auto spec = doc.ok() ? ParseSizing(*doc, parse) : Result<SizingSpec>(doc.status());
  if (!spec.ok()) {
    ctx.err << "fleetlab: size: " << spec.status().message() << "\n";
    return 2;
  }
  auto per_run = MemoryPerRun(args.max_memory, args.threads);
  if (!per_run.ok()) {
    ctx.err << "fleetlab: " << per_run.status().message() << "\n";
    return 2;
  }
  SizingOptions options;
  options.threads = args.threads;
  options.max_bytes_per_run = *per_run;
  ProgressBar bar(stderr, "candidates");
  options.progress = bar.Callback();
  const auto start = std::chrono::steady_clock::now();
  auto out = RunSizing(*spec, options);
  bar.Finish();
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!out.ok()) {
    ctx.err << "fleetlab: size: " << out.status().message() << "\n";
    return 2;
  }
  const json result = SizingToJson(*spec, *out);
  if (!args.html.empty()) {
    if (Status s = WriteOutputFile(args.html, SizingHtml(result), "--html"); !s.ok()) {
      ctx.err << "fleetlab: size: " << s.message() << "\n";
      return 2;
    }
  }
  ctx.out << (args.as_json ? result.dump(2) + "\n" : SizingText(result, wall_s));
  ctx.err << fmt::format("size: {} candidates, {} simulations, {:.1f} s wall\n", out->candidates.size(), out->runs,
                         wall_s);
  return 0;
}

}  // namespace

void AddSizeCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand(
      "size", "The cheapest fleets (GPU kind x TP x PP x batching, co-located or disaggregated P:D, replicas) that "
              "serve a target rate within SLOs, each with GPUs, $/h, $/1M tokens, goodput and what binds it "
              "(docs/sweep.md, \"Sizing\").");
  auto a = std::make_shared<SizeArgs>();
  cmd->add_option("sizing", a->file, "Sizing JSON file (docs/sweep.md); the flags below are set over it.");
  cmd->add_option("--scenario", a->scenario, "Base scenario: its workload and replica settings (default: chat "
                                             "requests, lognormal prompt 512 / output 256 tokens, CV 1, Poisson).");
  cmd->add_option("--model", a->model, "Model id (model).");
  cmd->add_option("--gpu", a->gpus, "GPU ids to consider (gpus; repeatable or comma-separated).")->delimiter(',');
  cmd->add_option("--rate", a->rate, "Target rate in requests/s (rate_per_s).")->check(CLI::Range(1e-6, 1e9));
  cmd->add_option("--prompt", a->prompt, "Mean prompt tokens (workload.prompt_tokens).")->check(CLI::Range(1.0, 1e7));
  cmd->add_option("--output", a->output, "Mean output tokens (workload.output_tokens).")->check(CLI::Range(1.0, 1e7));
  cmd->add_option("--cv", a->cv, "CV of the lognormal lengths; 0 = fixed lengths (default 1).")->check(CLI::Range(0.0, 100.0));
  cmd->add_option("--ttft-ms", a->ttft_ms, "TTFT limit in ms (slo.ttft_ms).")->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--tpot-ms", a->tpot_ms, "TPOT limit in ms (slo.tpot_ms).")->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--e2e-ms", a->e2e_ms, "End-to-end limit in ms (slo.e2e_ms).")->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--statistic", a->statistic, "The statistic the limits bound (slo.statistic; default p99).")
      ->check(CLI::IsMember({"p50", "p90", "p95", "p99", "p999", "mean"}));
  cmd->add_option("--attainment", a->attainment, "Least share of requests meeting TTFT and TPOT (slo.attainment).")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--budget", a->budget, "Most $ per hour (budget_usd_per_hour).")->check(CLI::Range(0.0, 1e9));
  cmd->add_option("--headroom", a->headroom, "Meet the SLOs at rate x (1 + this) (headroom, 0..10).")
      ->check(CLI::Range(0.0, 10.0));
  cmd->add_option("--max-cost-ratio", a->max_cost_ratio, "List fleets up to this multiple of the cheapest's cost.")
      ->check(CLI::Range(1.0, 1e6));
  cmd->add_option("--top", a->top, "Fleets to list (top, default 5).")->check(CLI::Range(1, 1000));
  cmd->add_option("--requests", a->requests, "Requests simulated per unit (requests, default 600).")
      ->check(CLI::Range(50, 1000000));
  cmd->add_option("--tp", a->tp, "TP degrees to try (search.tp; default 1,2,4,8).")->delimiter(',');
  cmd->add_option("--pp", a->pp, "PP degrees to try (search.pp; default 1,2).")->delimiter(',');
  cmd->add_option("--max-running", a->max_running, "scheduler.max_running values (search.max_running).")->delimiter(',');
  cmd->add_option("--max-batch-tokens", a->max_batch_tokens, "scheduler.max_batch_tokens values.")->delimiter(',');
  cmd->add_option("--pd", a->pd, "Disaggregated prefill:decode ratios (search.pd_ratios; default 1:1,1:2; none).")
      ->delimiter(',');
  cmd->add_flag("--no-colocated", a->no_colocated, "Search disaggregated units only.");
  cmd->add_flag("--json", a->as_json, "Print the JSON result (docs/sweep.md \"Sizing output\").");
  cmd->add_option("--html", a->html, "Also write a self-contained page with the Pareto charts of every fleet found.")
      ->type_name("FILE.html");
  cmd->add_option("--threads", a->threads, "Simulation threads (results do not depend on it).")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  AddMaxMemoryFlag(cmd, &a->max_memory);
  cmd->callback([&ctx, a]() { ctx.exit_code = Run(ctx, *a); });
}

}  // namespace fleetlab::cli
