// Tracks: the lab's four personas, each with three parts. A part is a
// scenario file (tracks/<track>/partN.json) with a "lab" object beside the
// scenario fields: the prediction question, its choices, the controls the
// workbench offers, the instruments it shows, the target, the reflection,
// and the rule by which the engine answers the question. The CLI
// (`fleetlab tracks`), the lab server and the tests all read them here.
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"
#include "fleetlab/util/file_set.h"

namespace fleetlab {

struct TrackChoice {
  std::string id;     // stable, e.g. "exponential"
  std::string label;  // what the student reads
};

// One workbench control: a scenario field (a --set dot path) the student
// may change, and how.
struct TrackControl {
  std::string path;   // e.g. "workload.rate"
  std::string label;  // e.g. "Arrival rate"
  std::string kind;   // "range", "select" or "toggle"
  std::string unit;   // e.g. "req/s"; "" when unitless
  double min = 0, max = 0, step = 0;  // kind "range"
  std::vector<nlohmann::json> options;  // kind "select": allowed values; "toggle": [off, on] (default [false, true])
  // kind "select": what the student reads for each option (same length as
  // options), for options that are objects or arrays (a whole layout).
  std::vector<std::string> labels;
  // When the control acts: {"path": P, "in": [values]} (the control is
  // offered while the value at P, overrides applied, is one of them; or
  // "not_in": while it is none of them; an absent value reads as null) and the
  // one sentence shown while it is not (`when_text`). Null: always.
  nlohmann::json when;
  std::string when_text;
  nlohmann::json value;                 // the scenario's own value
};

struct TrackPart {
  std::string track;  // e.g. "cloud-titan"
  std::string id;     // "part1", "part2" or "part3"
  int number = 1;
  std::string title;
  std::string file;   // path of the scenario file (its name in messages)
  // The file as read at load time: the scenario and its "lab" object. The
  // lab server and AnswerPart run this, never re-reading `file`.
  nlohmann::json document;
  // The lock: kind "choice" (answer one of `choices`) or "number" (a value
  // in `unit`).
  std::string question;
  std::string question_kind;
  std::vector<TrackChoice> choices;
  std::string unit;
  std::vector<TrackControl> controls;
  std::vector<std::string> instruments;  // e.g. "frontier", "waterfall", "heatmap"
  nlohmann::json target;      // {"metric": report dot path, "max": value, "label": ...} or null
  nlohmann::json challenge;   // the part's stakeholder challenge, or null
  // The lab's other instructions, passed to the front end as written (null
  // when absent): "frontier" {low_load, high_load, points} (the frontier's
  // rates as fractions of the measured capacity), "budget" (CheckBudget),
  // "math" (the Math Peek formulas, by id), "cost" (the cost law's one-time
  // CapEx per device and energy price, with sources), "figures" (labelled
  // report figures the workbench shows).
  nlohmann::json frontier, budget, math, cost, figures;
  std::string reflection;
  nlohmann::json lab;         // the whole "lab" object as written
};

struct Track {
  std::string id, name, persona, north_star, crisis;
  std::vector<TrackPart> parts;  // in order part1..part3
};

// Reads every track under `dir` (default: the catalog's tracks/ folder).
// Fails with "<file>: <field>: ..." on a malformed file.
Result<std::vector<Track>> LoadTracks(const std::string& dir);

// The same from files in memory (tracks_dir-relative paths such as
// "cloud-titan/part1.json" -> text), ids resolved against `catalog`; files
// are named root/<relative path> in errors. For a caller without a
// filesystem (the WebAssembly engine).
Result<std::vector<Track>> LoadTracksFromFiles(const FileSet& files, const std::string& root, const class Catalog& catalog);

// The directory LoadTracks reads when given none.
std::string DefaultTracksDir();

// The engine's answer to a part's question for the scenario as written plus
// `overrides` (--set assignments): the choice id (kind "choice") or value
// (kind "number"), a one-line reason with the numbers, and the evidence
// (the runs it made and the figures it compared).
struct TrackAnswer {
  std::string choice;
  double value = 0;
  std::string reason;
  nlohmann::json evidence;
};
// What bounds the runs an answer makes (the lab server's limits): `admit`
// sees every scenario before it runs and may lower its limits or refuse it
// (the answer then fails with that Status); `cancel` stops a run in flight
// (RunHooks::cancel). Not owned.
struct AnswerHooks {
  std::function<Status(struct Scenario&)> admit;
  const std::atomic<bool>* cancel = nullptr;
  // The catalog the runs resolve ids against; null: the default catalog,
  // loaded from data/ for each run (the lab server passes the one it holds).
  const class Catalog* catalog = nullptr;
};
// A part's "budget": {"max": N, "factors": [dot paths], "unit": "GPUs",
// "rule": "replicas x TP x PP <= 8"}. The product of the values at the
// factor paths in `doc` (1 where absent) must not exceed max. The error
// names `blame` (the first factor the request overrides, else the first
// factor) and says what the configuration uses and what the budget allows.
struct BudgetCheck {
  bool ok = true;
  std::string field;    // the factor path blamed
  std::string message;  // "<field>: uses 16 GPUs (2 x 8 x 1); this part's budget is 8 (replicas x TP x PP <= 8)"
  double used = 1;
};
BudgetCheck CheckBudget(const TrackPart& part, const nlohmann::json& doc,
                        const std::vector<std::string>& overridden = {});

Result<TrackAnswer> AnswerPart(const TrackPart& part, const std::vector<std::string>& overrides = {},
                               const AnswerHooks& hooks = {});

}  // namespace fleetlab
