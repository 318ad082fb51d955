// Reading whole files at the input edge.
#pragma once

#include <string>

#include "fleetlab/status.h"

namespace fleetlab {

// The contents of `path`. If it cannot be opened: NotFound with
// "<path>: cannot open the <what>"; if it is a directory: InvalidArgument
// with "<path>: is a directory, not a <what>".
Result<std::string> ReadTextFile(const std::string& path, const std::string& what);

}  // namespace fleetlab
