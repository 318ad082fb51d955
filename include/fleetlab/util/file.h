// Reading whole files at the input edge.
#pragma once

#include <cstdint>
#include <string>

#include "fleetlab/status.h"

namespace fleetlab {

// The most a text input may hold: 2 GiB, past any scenario, trace or kernel
// table fleetlab reads (a week of Azure's LLM trace is ~0.6 GB). Lower it
// only in tests; a larger input would need a streaming reader.
inline constexpr std::uint64_t kMaxTextFileBytes = std::uint64_t{1} << 31;

// The contents of `path`: a regular file or a pipe (`/dev/stdin` under a
// shell pipe). Fails, naming `what`, with NotFound "<path>: cannot open the
// <what>"; InvalidArgument "<path>: is a directory, not a <what>"; for a
// device or socket (/dev/zero would never end) "<path>: is not a file or a
// pipe, not a <what>"; and OutOfRange when it holds more than `max_bytes`,
// checked from a regular file's size before reading and from a pipe as it
// is read (so neither time nor memory grows past the bound).
Result<std::string> ReadTextFile(const std::string& path, const std::string& what,
                                 std::uint64_t max_bytes = kMaxTextFileBytes);

}  // namespace fleetlab
