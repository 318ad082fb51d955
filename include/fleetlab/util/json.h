// Bounded JSON parsing: the one way JSON from outside enters fleetlab.
//
// Scenario, sweep, capacity, catalog and track files, --set values and the
// lab server's request bodies all go through ParseJsonText, so one set of
// limits holds everywhere: no nesting deeper than kMaxJsonDepth (a deep
// structure is refused while it is read, before it is built, so nothing
// recursive ever walks it), no key twice in one object (JSON leaves it
// undefined which one wins; a misread field is worse than an error), and no
// number beyond the range of a double (1e400).
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"

namespace fleetlab {

// Deepest nesting of arrays and objects accepted. The deepest shipped file
// (a fan-out branch's sub-path's pool's station's mixture component) nests
// about 12; 64 leaves room and keeps every recursive walk (dump, merge
// patch, destruction) shallow.
inline constexpr int kMaxJsonDepth = 64;

// Why a parse failed.
enum class JsonError { kNone, kSyntax, kTooDeep, kDuplicateKey, kNumberRange };

// Parses one JSON document (nothing but whitespace may follow it).
// `what` names the input in messages: a file path, "--set a.b", or "body"
// for a server's request body; messages contain no other name, so a server
// may show them to a client. On failure, InvalidArgument with one of:
//   "<what>: not valid JSON: line L, column C: <the syntax error>"
//   "<what>: line L, column C: nested deeper than 64 arrays and objects (the most allowed)"
//   "<what>: line L: duplicate key \"x\""
//   "<what>: line L, column C: the number 1e400 is beyond the range of a double (magnitude at most 1.8e308)"
// (without the "<what>: " when `what` is empty). When `error` is not null it
// receives the kind of failure, kNone on success: a --set value that is not
// JSON is read as a bare word, but one that is too deep is an error.
Result<nlohmann::json> ParseJsonText(std::string_view text, const std::string& what, JsonError* error = nullptr);

// A JSON document behind a pointer: what the public Scenario and Report hold
// (Scenario::document, Report::resolved_scenario), so that their headers
// and the embedding API (fleetlab/fleetlab.h) carry no nlohmann type.
struct JsonDocument {
  nlohmann::json value;
};

}  // namespace fleetlab
