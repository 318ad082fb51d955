#include "cli/sweep_command.h"

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include <fmt/format.h>

#include "cli/charts_pages.h"
#include "cli/memory_flag.h"
#include "cli/output_file.h"
#include "cli/progress_bar.h"
#include "fleetlab/sweep/sweep_runner.h"
#include "fleetlab/sweep/worker_pool.h"
#include "fleetlab/util/file.h"

namespace fleetlab::cli {
namespace {

struct SweepArgs {
  std::string path;
  std::string out;
  std::string html;
  unsigned threads = 0;  // 0: the default
  std::string max_memory;
};

// The charts page from the rows just written (the --out file, or the CSV
// table printed).
Status WriteHtml(const SweepArgs& args, const SweepSpec& spec, const std::string& table) {
  SweepFormat format = SweepFormat::kCsv;
  std::string text = table;
  if (!args.out.empty()) {
    auto f = SweepFormatOf(args.out);
    auto read = ReadTextFile(args.out, "sweep output");
    if (!f.ok() || !read.ok()) return f.ok() ? read.status() : f.status();
    format = *f;
    text = std::move(read).value();
  }
  auto rows = RowsAsObjects(format, spec, text);
  if (!rows.ok()) return rows.status();
  return WriteOutputFile(args.html, SweepHtml(std::filesystem::path(args.path).stem().string(), spec, *rows),
                         "--html");
}

int Run(CommandContext& ctx, const SweepArgs& args) {
  auto comm = MakeSweepComm();
  if (!comm.ok()) {
    ctx.err << "fleetlab: sweep: " << comm.status().message() << "\n";
    return 2;
  }
  SweepComm& c = **comm;
  auto spec = LoadSweep(args.path);
  if (!c.AllAgree(spec.ok())) {
    // The file may be missing on one node only: each rank says what it saw.
    if (!spec.ok()) ctx.err << "fleetlab: " << spec.status().message() << "\n";
    if (spec.ok() && c.rank() == 0) ctx.err << "fleetlab: sweep: another rank could not read " << args.path << "\n";
    return 2;
  }
  SweepRunOptions options;
  // One rank per core under MPI; all local cores otherwise.
  options.threads = args.threads ? args.threads : (c.size() > 1 ? 1u : DefaultThreads());
  options.out_path = args.out;
  options.comm = &c;
  auto per_point = MemoryPerRun(args.max_memory, options.threads);
  if (!per_point.ok()) {
    if (c.rank() == 0) ctx.err << "fleetlab: " << per_point.status().message() << "\n";
    return 2;
  }
  options.max_bytes_per_point = *per_point;
  ProgressBar bar(stderr, "points");
  if (c.rank() == 0) options.progress = bar.Callback();
  const auto start = std::chrono::steady_clock::now();
  auto outcome = RunSweep(*spec, options);
  const double wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  bar.Finish();
  if (!outcome.ok()) {
    // Every rank parses the same points: rank 0 speaks for all.
    if (c.rank() == 0) ctx.err << "fleetlab: " << outcome.status().message() << "\n";
    return 2;
  }
  if (c.rank() != 0) return 0;
  if (!args.html.empty()) {
    if (Status s = WriteHtml(args, *spec, outcome->table); !s.ok()) {
      ctx.err << "fleetlab: sweep: " << s.message() << "\n";
      return 2;
    }
  }
  ctx.out << outcome->table;
  ctx.err << fmt::format("sweep: {} points: {} simulated ({} refused, see the error column), {} resumed from {}; "
                         "{} ranks x {} threads; {:.2f} s wall, {:.3g} events/s\n",
                         outcome->points, outcome->simulated, outcome->failed, outcome->resumed,
                         args.out.empty() ? "-" : args.out, c.size(), options.threads, wall_s,
                         wall_s > 0 ? static_cast<double>(outcome->events) / wall_s : 0.0);
  return 0;
}

}  // namespace

void AddSweepCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("sweep", "Run a scenario over axes of fields (lists, ranges; cartesian product or a "
                                          "random sample) and write one row per point (docs/sweep.md).");
  auto args = std::make_shared<SweepArgs>();
  cmd->add_option("sweep", args->path, "Sweep JSON file (docs/sweep.md).")->required();
  cmd->add_option("--out", args->out,
                  "Write the rows to this file (.csv or .json). An existing file is resumed: points already in it "
                  "are kept, not run again. Omitted: CSV on stdout.")
      ->type_name("FILE.csv|FILE.json");
  cmd->add_option("--threads", args->threads,
                  "Simulation threads per process (default: every local core; 1 per rank under mpirun). "
                  "Results do not depend on it.")
      ->check(CLI::Range(1u, 1024u));
  cmd->add_option("--html", args->html, "Also write a self-contained page with the Pareto charts of the rows (cost vs "
                                        "P99 TTFT/TPOT, throughput vs latency).")
      ->type_name("FILE.html");
  AddMaxMemoryFlag(cmd, &args->max_memory);
  cmd->callback([&ctx, args]() { ctx.exit_code = Run(ctx, *args); });
}

}  // namespace fleetlab::cli
