// Scenario parsing: JSON in, a validated Scenario out, at the edge.
//
// Every field is checked for type and range; unknown fields are errors (a
// typo never silently falls back to a default). Error messages name the full
// dotted path of the field, the allowed values and what was given, e.g.
//   workload.arrival.rate_per_s: must be a number > 0 (got -3)
// The fields, units, defaults and ranges are documented in docs/scenario.md.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

// Builds a Scenario from a JSON document. Relative trace paths are resolved
// against `base_dir` (the scenario file's directory). Catalog ids in a
// "replica" are resolved against `catalog`, or the default catalog
// (data/) when it is null.
Result<Scenario> ParseScenario(const nlohmann::json& doc, const std::string& base_dir,
                               const class Catalog* catalog = nullptr);

// How a scenario is read: where its relative paths and catalog ids
// resolve, and whether any field may name a file.
struct ParseOptions {
  std::string base_dir;                   // relative trace paths resolve here
  const class Catalog* catalog = nullptr;  // null: the default catalog (data/)
  // When false no field may name a file (the lab server parses so, whatever
  // the request's shape): workload.arrival.trace must then be one of
  // `named_traces`, or the trace comes inline in trace_data.
  bool allow_files = true;
  // Trace name -> the trace's text, read by the operator at start-up.
  const std::map<std::string, std::string>* named_traces = nullptr;
};
Result<Scenario> ParseScenario(const nlohmann::json& doc, const ParseOptions& options);

// Reads a JSON file (no overrides applied) through ParseJsonText
// (util/json.h): nesting, duplicate keys and numbers are bounded. Errors
// name the file, and the line and column of a syntax error; `what` says what
// the file should have been ("<path>: cannot open the scenario file",
// "<path>: is a directory, not a scenario file").
Result<nlohmann::json> ReadJsonFile(const std::string& path, const std::string& what = "file");

// Applies one "a.b.c=VALUE" override to `doc`, creating intermediate objects
// as needed. VALUE is read as JSON when it parses as JSON (numbers, true,
// false, null, objects, arrays, quoted strings), otherwise as a bare string;
// JSON that breaks ParseJsonText's bounds (too deep, a duplicate key, 1e400)
// is an error naming "--set PATH", not a string.
// Whether the path names a real field is checked later by ParseScenario.
Status ApplyOverride(nlohmann::json& doc, const std::string& assignment);

// Reads `path`, applies `overrides` in order, and parses the result.
// The value at a --set dot path in `doc` ("path.stages.1.pool.replicas":
// numeric segments index lists), or nullptr if there is none.
const nlohmann::json* FindAtPath(const nlohmann::json& doc, const std::string& path);

Result<Scenario> LoadScenario(const std::string& path, const std::vector<std::string>& overrides);

}  // namespace fleetlab
