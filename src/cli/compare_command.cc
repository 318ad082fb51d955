#include "cli/compare_command.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/bench_file.h"
#include "cli/memory_flag.h"
#include "cli/progress_bar.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/workload/vllm_bench.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

struct CompareArgs {
  std::string result, scenario, model, gpu, max_memory, engine = "vllm-v1";
  int tp = 1, pp = 1;
  std::uint64_t seed = 1;
  bool as_json = false;
};

// The model: --model, the system scenario's, or the result's model_id
// ("meta-llama/Llama-3.1-8B-Instruct" -> "llama-3.1-8b-instruct", an alias).
Result<std::string> ModelOf(const CompareArgs& a, const VllmBenchResult& r, const Catalog& catalog) {
  if (!a.model.empty()) return a.model;
  if (r.model_id.empty()) return Status::InvalidArgument("--model: the result names no model; give --model");
  std::string id = r.model_id.substr(r.model_id.find_last_of('/') + 1);
  std::transform(id.begin(), id.end(), id.begin(), [](unsigned char c) { return std::tolower(c); });
  if (!id.empty() && catalog.FindModel(id) != nullptr) return id;
  return Status::InvalidArgument(fmt::format("--model: the result's model_id \"{}\" is not in the catalog; give "
                                             "--model (known: {})", r.model_id, catalog.ModelIds()));
}

// The served system: the --scenario file's (its workload replaced), or one
// replica of --model on --gpu with --tp and --pp.
Result<json> SystemDocument(const CompareArgs& a, const VllmBenchResult& r) {
  if (!a.scenario.empty()) {
    auto doc = ReadJsonFile(a.scenario, "scenario file");
    if (!doc.ok() || !doc->is_object()) return doc.ok() ? Status::InvalidArgument(a.scenario + ": not an object") : doc.status();
    return std::move(doc).value();
  }
  if (a.gpu.empty()) return Status::InvalidArgument("--gpu: give the GPU the benchmark ran on (or --scenario FILE)");
  auto catalog = Catalog::LoadDefault();
  if (!catalog.ok()) return catalog.status();
  auto model = ModelOf(a, r, *catalog);
  if (!model.ok()) return model.status();
  json replica = {{"model", *model}, {"gpu", a.gpu}, {"tp", a.tp}, {"pp", a.pp}};
  if (a.engine != "none") replica["engine"] = a.engine;
  return json{{"replica", replica}};
}

std::string Text(const VllmBenchResult& r, const json& rows, const std::vector<std::string>& notes,
                 const json& report) {
  std::string out = fmt::format("measured: {} requests at {}, burstiness {:g}{}; model_id {}\n", r.requests,
                                r.request_rate > 0 ? fmt::format("{:g} req/s", r.request_rate) : std::string("once (inf)"),
                                r.burstiness,
                                r.max_concurrency ? fmt::format(", max concurrency {}", r.max_concurrency) : "",
                                r.model_id.empty() ? "?" : r.model_id);
  const json& rep = report.value("replica", json::object());
  out += fmt::format("simulated: {} on {} x {} (TP{} PP{}), {} GPUs in all, seed {}\n", rep.value("model", "?"),
                     rep.value("gpus", 0), rep.value("gpu", "?"), rep.value("tp", 0), rep.value("pp", 0),
                     report.contains("cost") ? report["cost"].value("gpus", 0) : 0, report.value("seed", 0));
  for (const std::string& n : notes) out += "note: " + n + "\n";
  out += fmt::format("\n{:<26} {:>12} {:>12} {:>9}\n", "metric (vLLM name)", "measured", "simulated", "error");
  for (const json& row : rows) {
    const json& s = row["simulated"];
    out += fmt::format("{:<26} {:>12.3f} {:>12} {:>9}\n", row["metric"].get<std::string>(),
                       row["measured"].get<double>(), s.is_number() ? fmt::format("{:.3f}", s.get<double>()) : "-",
                       row["error"].is_number() ? fmt::format("{:+.1f}%", 100 * row["error"].get<double>()) : "-");
  }
  if (rows.empty()) out += "(no metric of the file has a simulated counterpart)\n";
  return out;
}

int Run(CommandContext& ctx, const CompareArgs& a) {
  const auto fail = [&ctx](const Status& s) {
    ctx.err << "fleetlab: compare: " << s.message() << "\n";
    return 2;
  };
  auto result = ReadBenchFile(a.result);
  if (!result.ok()) return fail(result.status());
  auto system = SystemDocument(a, *result);
  if (!system.ok()) return fail(system.status());
  json scenario = *system;
  scenario["name"] = "compare " + std::filesystem::path(BenchFilePath(a.result)).filename().string();
  scenario["seed"] = a.seed;
  scenario["workload"] = VllmWorkload(*result, a.seed);
  const std::string dir = a.scenario.empty() ? "" : std::filesystem::path(a.scenario).parent_path().string();
  auto parsed = ParseScenario(scenario, dir);
  if (!parsed.ok()) return fail(parsed.status());
  if (!parsed->llm()) return fail(Status::InvalidArgument("--scenario: the system must be LLM replicas"));
  if (Status s = CheckRunMemory(*parsed, a.max_memory, 1); !s.ok()) return fail(s);
  ProgressBar bar(stderr, "% of the run");
  const std::function<void(double)> progress = [&bar](double done) {
    bar.Update(static_cast<std::uint64_t>(std::min(99.0, 100 * done)), 100);
  };
  RunHooks hooks;
  hooks.kv_heatmap = false;
  if (bar.active()) hooks.progress = &progress;
  auto report = RunScenario(*parsed, hooks);
  bar.Finish();
  if (!report.ok()) return fail(report.status());
  const json j = ReportToJson(*report);
  const json rows = CompareWithVllm(*result, j);
  const std::vector<std::string> notes = VllmWorkloadNotes(*result);
  if (a.as_json) {
    ctx.out << json{{"rows", rows}, {"notes", notes}, {"report", j}}.dump(2) << "\n";
  } else {
    ctx.out << Text(*result, rows, notes, j);
  }
  return 0;
}

}  // namespace

void AddCompareCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("compare", "Simulate the workload of a `vllm bench serve --save-result` file (or "
                                            "of a GenAI-Perf CSV) and print measured vs simulated per metric "
                                            "(docs/report.md).");
  auto a = std::make_shared<CompareArgs>();
  cmd->add_option("result", a->result, "vLLM's result JSON (one object; --save-detailed keeps each request's lengths), "
                  "or GenAI-Perf's profile_export_genai_perf.csv with its load: FILE.csv#concurrency=N or "
                  "FILE.csv#rate=R[,distribution=poisson][,requests=N].")
      ->required();
  cmd->add_option("--scenario", a->scenario, "The served system: a scenario whose replica / fleet / disaggregation "
                                             "is used (its workload is replaced).");
  cmd->add_option("--model", a->model, "Catalog model id (default: from the result's model_id).");
  cmd->add_option("--gpu", a->gpu, "Catalog GPU id the benchmark ran on (without --scenario).");
  cmd->add_option("--tp", a->tp, "Tensor-parallel degree (without --scenario).")->check(CLI::Range(1, 1024));
  cmd->add_option("--pp", a->pp, "Pipeline-parallel degree (without --scenario).")->check(CLI::Range(1, 1024));
  cmd->add_option("--engine", a->engine, "Engine profile of the replica (without --scenario): a catalog engine id "
                  "(data/engines), or none for fleetlab's own defaults.")->capture_default_str();
  cmd->add_option("--seed", a->seed, "Seed of the simulated arrivals and run.")->capture_default_str();
  cmd->add_flag("--json", a->as_json, "Print {rows, notes, report} as JSON.");
  AddMaxMemoryFlag(cmd, &a->max_memory);
  cmd->callback([&ctx, a]() { ctx.exit_code = Run(ctx, *a); });
}

}  // namespace fleetlab::cli
