#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "cli/analytic_support.h"

namespace fleetlab::cli::analytic_cli {
namespace {

std::string FormatValue(double v, Unit unit) {
  if (unit == Unit::kBool) return v != 0 ? "yes" : "no";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (unit == Unit::kSeconds) {
    const double ms = v * 1e3;
    return std::fabs(ms) >= 0.1 || ms == 0 ? fmt::format("{:.3f} ms", ms)
                                           : fmt::format("{:.4g} ms", ms);
  }
  if (unit == Unit::kPerSecond) return fmt::format("{:.6g} /s", v);
  if (unit == Unit::kInteger) return fmt::format("{:.0f}", v);
  return fmt::format("{:.8g}", v);
}

using Json = nlohmann::ordered_json;

Json RowsToJson(const std::vector<Row>& rows) {
  Json j = Json::object();
  for (const Row& r : rows) {
    if (r.unit == Unit::kBool) {
      j[r.key] = r.value != 0;
    } else if (r.unit == Unit::kInteger) {
      j[r.key] = static_cast<long long>(r.value);
    } else {
      const double v = r.unit == Unit::kSeconds ? r.value * 1e3 : r.value;
      const std::string key = r.unit == Unit::kSeconds ? r.key + "_ms" : r.key;
      j[key] = std::isfinite(v) ? Json(v) : Json(nullptr);
    }
  }
  return j;
}

}  // namespace

void Emit(const Report& r, bool json, std::ostream& out) {
  if (json) {
    const Json j = {{"command", r.command},
                    {"method", r.method},
                    {"exact", r.exact},
                    {"inputs", RowsToJson(r.inputs)},
                    {"results", RowsToJson(r.results)},
                    {"notes", r.notes}};
    out << j.dump(2) << "\n";
    return;
  }
  std::size_t width = 0;
  for (const auto* rows : {&r.inputs, &r.results}) {
    for (const Row& row : *rows) width = std::max(width, row.label.size());
  }
  out << r.title << "\n  method: " << r.method << "\n  exact:  " << (r.exact ? "yes" : "no")
      << "\n";
  for (const auto& [name, rows] :
       {std::pair{"inputs", &r.inputs}, std::pair{"results", &r.results}}) {
    out << name << "\n";
    for (const Row& row : *rows) {
      out << fmt::format("  {:<{}}  {}\n", row.label, width, FormatValue(row.value, row.unit));
    }
  }
  for (const std::string& note : r.notes) out << "note: " << note << "\n";
}

// Reports an invalid combination of flags: message to err, exit code 2.
void Fail(CommandContext& ctx, const std::string& message) {
  ctx.err << "error: " << message << "\n";
  ctx.exit_code = 2;
}


CLI::Validator NumberIn(double lo, double hi, bool open_lo) {
  std::string range;
  if (std::isinf(hi)) {
    range = fmt::format("{} {}", open_lo ? ">" : ">=", lo);
  } else {
    range = fmt::format("in {}{}, {}]", open_lo ? "(" : "[", lo, hi);
  }
  return CLI::Validator(
      [=](std::string& text) -> std::string {
        char* end = nullptr;
        const double v = std::strtod(text.c_str(), &end);
        const bool parsed = end != text.c_str() && *end == '\0';
        if (!parsed || !std::isfinite(v) || v < lo || v > hi || (open_lo && v == lo)) {
          return fmt::format("got '{}', allowed: a finite number {}", text, range);
        }
        return {};
      },
      range);
}

}  // namespace fleetlab::cli::analytic_cli
