#include "fleetlab/fleetlab.h"

#include <filesystem>

#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/util/json.h"

namespace fleetlab {
namespace {

// Applies the overrides to `doc` and parses it against the options' catalog.
Result<Scenario> ParseDocument(nlohmann::json doc, const std::string& base_dir, const ScenarioOptions& options) {
  for (const std::string& o : options.overrides) FLEETLAB_RETURN_IF_ERROR(ApplyOverride(doc, o));
  return ParseScenario(doc, base_dir, options.catalog);
}

}  // namespace

Result<Catalog> LoadCatalog(const std::string& dir, const std::vector<std::string>& overlays) {
  return Catalog::LoadWithOverlays(dir, overlays);
}

Result<Scenario> ParseScenarioText(const std::string& json_text, const ScenarioOptions& options) {
  auto doc = ParseJsonText(json_text, "scenario");
  if (!doc.ok()) return doc.status();
  return ParseDocument(std::move(doc).value(), options.base_dir, options);
}

Result<Scenario> LoadScenarioFile(const std::string& path, const ScenarioOptions& options) {
  auto doc = ReadJsonFile(path, "scenario file");
  if (!doc.ok()) return doc.status();
  auto scenario = ParseDocument(std::move(doc).value(), std::filesystem::path(path).parent_path().string(), options);
  if (!scenario.ok()) return scenario.status().WithContext(path);
  return scenario;
}

Result<Report> Run(const Scenario& scenario, const RunOptions& options) {
  RunHooks hooks;
  hooks.cancel = options.cancel;
  hooks.kv_heatmap = options.series;
  if (options.progress) hooks.progress = &options.progress;
  return RunScenario(scenario, hooks);
}

std::string ReportJson(const Report& report, bool series, int indent) {
  return ReportToJson(report, series).dump(indent);
}

std::string ReportText(const Report& report) { return ReportToText(report); }

}  // namespace fleetlab
