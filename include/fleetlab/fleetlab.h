// The embedding API: what a program linking fleetlab (find_package(fleetlab),
// target fleetlab::fleetlab; docs/design.md, "Embedding") calls to load a
// catalog and a scenario, run it and render the report. A thin layer over
// scenario/parse.h, runner.h and report/render.h; no header it includes
// carries a JSON library's type (api_test.cc checks), so a caller needs
// nothing but a C++20 compiler and the libraries the package names.
//
//   auto scenario = fleetlab::LoadScenarioFile("llama3-70b-h100.json");
//   auto report = fleetlab::Run(*scenario);
//   if (report.ok() && report->llm) std::printf("%g\n", report->llm->ttft_ms.p99);
//
// Every call is pure computation on its arguments (files are read only by
// the Load* calls); several threads may run scenarios at once.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/report.h"
#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"
#include "fleetlab/util/share_dir.h"
#include "fleetlab/version.h"

namespace fleetlab {

// The catalog in folder `dir` (models/, gpus/, hosts/, links/; data/README.md
// gives the schema), with each of `overlays` laid over it in order (a user
// folder's entry with a shipped id replaces it, a new id is added). The
// shipped catalog is ShareDirectory() + "/data"; Catalog::LoadFiles reads
// one from memory, Catalog::LoadDefault the shipped one with FLEETLAB_DATA's
// overlays.
Result<Catalog> LoadCatalog(const std::string& dir, const std::vector<std::string>& overlays = {});

// How a scenario is read.
struct ScenarioOptions {
  // The catalog that the scenario's model, GPU and link ids resolve against.
  // Not owned; it must outlive the call only. Null: the shipped catalog with
  // FLEETLAB_DATA's overlays (Catalog::LoadDefault), read on every call, so
  // pass one when loading many scenarios.
  const Catalog* catalog = nullptr;
  // "a.b.c=VALUE" assignments applied before parsing, in order, as the
  // command line's `--set` (docs/scenario.md).
  std::vector<std::string> overrides;
  // Where relative trace paths resolve for ParseScenarioText (a file's own
  // folder for LoadScenarioFile). Empty: the working directory.
  std::string base_dir;
};

// A scenario from JSON text (the schema of docs/scenario.md). Errors name
// the field, the allowed range and what was given.
Result<Scenario> ParseScenarioText(const std::string& json_text, const ScenarioOptions& options = {});
// A scenario from a JSON file; errors also name the file.
Result<Scenario> LoadScenarioFile(const std::string& path, const ScenarioOptions& options = {});

// How a scenario is run.
struct RunOptions {
  // Sample what ReportJson(report, /*series=*/true) adds (an LLM run's time
  // series and KV heatmap). Costs time on every state change; leave it off
  // unless the series will be rendered.
  bool series = false;
  // When set and it becomes true (from any thread), the run stops and fails
  // with OutOfRange ("cancelled"). Not owned.
  const std::atomic<bool>* cancel = nullptr;
  // Called now and then from the run's thread with the share done, 0..1.
  std::function<void(double)> progress;
};

// Runs `scenario` once. Fails if the system cannot be built (a model that
// does not fit its GPUs), the run exceeds the scenario's limits, or it is
// cancelled. The same scenario and seed give the same report.
// REQUIRES: scenario came from ParseScenarioText or LoadScenarioFile.
Result<Report> Run(const Scenario& scenario, const RunOptions& options = {});

// The report as JSON text (field names documented in docs/report.md, the
// same as `fleetlab run --json`); `indent` < 0 gives one line.
std::string ReportJson(const Report& report, bool series = false, int indent = 2);
// The report as the command line's readable summary.
std::string ReportText(const Report& report);

// The lab's tracks (tracks/<track>/partN.json; docs/instructor.md): each
// part's question, its scenario and the engine's answer, for a program that
// drives the lab's lessons itself.
struct LabPart {
  std::string track, part, title;  // e.g. "cloud-titan", "part1"
  std::string question;
  std::string kind;                 // "choice" (one of choice_ids) or "number" (a value in unit)
  std::vector<std::string> choice_ids, choice_labels;
  std::string unit;
  std::string file;                 // the part's scenario file (LabPartScenario reads what was loaded)
};
struct LabTrack {
  std::string id, name;
  std::vector<LabPart> parts;  // part1..part3
};
// Every track under `dir` (empty: the shipped tracks/), ids resolved against
// `catalog` (null: the default catalog). Errors name the file and field.
Result<std::vector<LabTrack>> LoadLabTracks(const std::string& dir = "", const Catalog* catalog = nullptr);
// The part's scenario as loaded, with `overrides` ("a.b=VALUE") applied:
// what the lab runs when a student moves its controls. Errors: an unknown
// track or part (naming the known ones), or what ParseScenarioText gives.
Result<Scenario> LabPartScenario(const std::string& track, const std::string& part,
                                 const std::vector<std::string>& overrides = {}, const std::string& dir = "",
                                 const Catalog* catalog = nullptr);
// The engine's answer to the part's question for its scenario plus
// `overrides`: the choice id (kind "choice") or value (kind "number"), the
// one-line reason with the numbers, and the evidence (the runs it made and
// the figures it compared) as JSON text. The same as `fleetlab tracks
// --answer TRACK PART`.
struct LabAnswer {
  std::string choice;
  double value = 0;
  std::string reason;
  std::string evidence_json;
};
Result<LabAnswer> AnswerLabPart(const std::string& track, const std::string& part,
                                const std::vector<std::string>& overrides = {}, const std::string& dir = "",
                                const Catalog* catalog = nullptr);

}  // namespace fleetlab
