// What every fleetlab subcommand shares: where to print and how it ended.
#pragma once

#include <ostream>

namespace fleetlab::cli {

// Exit codes: 0 success, 2 bad input (a clear message was printed to err),
// 1 an unexpected internal failure.
struct CommandContext {
  std::ostream& out;
  std::ostream& err;
  int exit_code = 0;
};

}  // namespace fleetlab::cli
