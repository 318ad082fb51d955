// Internal to `fleetlab analytic`: the report rows its subcommands print
// and the flag helpers they share (src/cli/analytic_*.cc).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <limits>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "cli/command.h"

namespace fleetlab::cli::analytic_cli {

inline constexpr double kInf = std::numeric_limits<double>::infinity();

// A titled list of input and result rows, printed as a table or JSON.

enum class Unit { kNumber, kInteger, kSeconds, kPerSecond, kBool };

struct Row {
  std::string key;    // JSON name; times get "_ms" appended
  std::string label;  // table label
  double value;
  Unit unit = Unit::kNumber;
};

struct Report {
  std::string command, title, method;
  bool exact = true;
  std::vector<Row> inputs, results;
  std::vector<std::string> notes;
};


// Prints `r` to `out`, as a table or (json) one JSON object.
void Emit(const Report& r, bool json, std::ostream& out);
// Reports an invalid combination of flags: message to err, exit code 2.
void Fail(CommandContext& ctx, const std::string& message);

// Every numeric flag is checked for a finite value in its range.
CLI::Validator NumberIn(double lo, double hi, bool open_lo = false);
inline CLI::Validator Positive() { return NumberIn(0, kInf, true); }
inline CLI::Validator NonNegative() { return NumberIn(0, kInf); }
inline CLI::Validator Probability() { return NumberIn(0, 1); }

template <typename T>
CLI::Option* AddFlag(CLI::App* sub, const std::string& name, T& var, const std::string& help,
                     const CLI::Validator& check, bool required = true) {
  CLI::Option* opt = sub->add_option(name, var, help)->check(check);
  return required ? opt->required() : opt->capture_default_str();
}

// Adds a subcommand whose options live in a shared Opts, run by `run`.
template <typename Opts>
std::pair<CLI::App*, std::shared_ptr<Opts>> AddSub(
    CLI::App* parent, CommandContext& ctx, const std::string& name, const std::string& help,
    const std::string& footer, std::function<void(const Opts&, CommandContext&)> run) {
  auto opts = std::make_shared<Opts>();
  CLI::App* sub = parent->add_subcommand(name, help);
  sub->footer(footer);
  sub->add_flag("--json", opts->json, "print one JSON object instead of a table");
  sub->callback([opts, &ctx, run] { run(*opts, ctx); });
  return {sub, opts};
}

// The subcommand groups (analytic_queues.cc, analytic_formulas.cc).
void AddQueues(CLI::App* parent, CommandContext& ctx);
void AddBatch(CLI::App* parent, CommandContext& ctx);
void AddOthers(CLI::App* parent, CommandContext& ctx);

}  // namespace fleetlab::cli::analytic_cli
