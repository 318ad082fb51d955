#include "cli/validate_command.h"

#include <filesystem>
#include <string>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/validation/validation.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

struct ValidateArgs {
  std::string points, only;
  std::uint64_t seed = 1;
  bool as_json = false;
};

std::string Percent(double x) { return fmt::format("{:+.1f}%", 100 * x); }

std::string Text(const ValidationOutcome& o, std::size_t points) {
  std::string out = fmt::format("{:<52} {:<18} {:>11} {:>11} {:>8}\n", "point", "metric", "measured", "simulated",
                                "error");
  for (const ValidationRow& r : o.rows) {
    out += fmt::format("{:<52} {:<18} {:>11.4g} {:>11.4g} {:>8}\n", r.point.substr(0, 52), r.metric, r.measured,
                       r.simulated, Percent(r.error));
  }
  out += fmt::format("\n{:<18} {:>6} {:>8} {:>10} {:>8}  {}\n", "metric", "points", "MAPE", "median|e|", "worst",
                     "worst point");
  for (const ValidationMetric& m : o.metrics) {
    out += fmt::format("{:<18} {:>6} {:>7.1f}% {:>9.1f}% {:>7.1f}%  {}\n", m.metric, m.points, 100 * m.mape,
                       100 * m.median_abs_error, 100 * m.worst_abs_error, m.worst_point);
  }
  out += fmt::format("\n{} points, {} comparisons: median |error| {:.1f}%, worst {:.1f}%\n", points, o.rows.size(),
                     100 * o.median_abs_error, 100 * o.worst_abs_error);
  for (const std::string& r : o.refused) out += "not simulated: " + r + "\n";
  return out;
}

int Run(CommandContext& ctx, const ValidateArgs& a) {
  const std::string file = a.points.empty() ? Catalog::BuiltinDirectory() + "/validation/points.json" : a.points;
  auto doc = ReadJsonFile(file, "validation points file");
  if (!doc.ok()) {
    ctx.err << "fleetlab: validate: " << doc.status().message() << "\n";
    return 2;
  }
  auto points = ParseValidationPoints(*doc, std::filesystem::path(file).parent_path().string());
  if (!points.ok()) {
    ctx.err << "fleetlab: validate: " << file << ": " << points.status().message() << "\n";
    return 2;
  }
  std::vector<ValidationPoint> chosen;
  for (ValidationPoint& p : *points) {
    if (a.only.empty() || p.id.find(a.only) != std::string::npos) chosen.push_back(std::move(p));
  }
  const ValidationOutcome o = RunValidation(chosen, a.seed);
  if (a.as_json) {
    ctx.out << ValidationToJson(o).dump(2) << "\n";
  } else {
    ctx.out << Text(o, chosen.size());
  }
  return 0;
}

}  // namespace

void AddValidateCommand(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<ValidateArgs>();
  CLI::App* cmd = app.add_subcommand("validate", "Simulate published serving measurements (data/validation) with "
                                                 "their engine profiles and print the error per metric "
                                                 "(docs/accuracy.md).");
  cmd->add_option("--points", a->points, "Validation points file (default: the shipped data/validation/points.json).");
  cmd->add_option("--only", a->only, "Only the points whose id contains this text.");
  cmd->add_option("--seed", a->seed, "Seed of the simulated arrivals and runs.")->capture_default_str();
  cmd->add_flag("--json", a->as_json, "Print rows and per-metric summaries as JSON.");
  cmd->callback([&ctx, a] { ctx.exit_code = Run(ctx, *a); });
}

}  // namespace fleetlab::cli
