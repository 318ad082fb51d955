// The trace fields of a scenario: workload.arrival's trace, trace_data,
// trace_format, speedup, trace_window and hash_block_tokens, and
// workload.dataset (request lengths from a dataset). The trace's text comes
// inline, from the server operator's named traces, or from a file (only when
// ParseOptions allows files).
#pragma once

#include <nlohmann/json.hpp>

#include "fleetlab/scenario/parse.h"
#include "fleetlab/scenario/scenario.h"
#include "util/field_reader.h"

namespace fleetlab {

// Reads the trace fields of `r` (workload.arrival); `trace` says whether
// the process is "trace" (otherwise each of them is an error). Fills
// s->trace and s->trace_hashes.
Status ParseArrivalTrace(FieldReader& r, bool trace, const ParseOptions& o, Scenario* s);

// "workload.dataset": {"trace" | "trace_data", "format", "chars_per_token",
// "output_tokens"}. Fills s->workload.sizes.dataset.
Status ParseDataset(const nlohmann::json& v, const ParseOptions& o, Scenario* s);

}  // namespace fleetlab
