// Writing an output file the user named: as is, or gzip-compressed when
// the name ends in ".gz" (ui.perfetto.dev and chrome://tracing open a
// gzipped trace as it is).
#pragma once

#include <string>

#include "fleetlab/status.h"

namespace fleetlab::cli {

// Errors name `flag` and the path ("--timeline t.json: cannot write ...").
Status WriteOutputFile(const std::string& path, const std::string& text, const std::string& flag);

// Whether `path` ends in `suffix`.
bool EndsWith(const std::string& path, const std::string& suffix);

}  // namespace fleetlab::cli
