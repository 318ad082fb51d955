// The readers of each trace format (trace.h lists them), appending to a
// TraceTable. Internal to workload/: callers use ParseTrace.
#pragma once

#include <string>
#include <string_view>

#include "fleetlab/status.h"
#include "fleetlab/workload/trace.h"

namespace fleetlab::trace_internal {

Status ParseFleetlabCsv(std::string_view text, const std::string& name, TraceTable* out);
Status ParseAzureCsv(std::string_view text, const std::string& name, TraceTable* out);
Status ParseBurstGptCsv(std::string_view text, const std::string& name, TraceTable* out);
Status ParseMooncakeJsonl(std::string_view text, const std::string& name, TraceTable* out);
Status ParseVllmJsonl(std::string_view text, const std::string& name, const TraceReadOptions& o, TraceTable* out);
Status ParseShareGptJson(std::string_view text, const std::string& name, const TraceReadOptions& o, TraceTable* out);

}  // namespace fleetlab::trace_internal
