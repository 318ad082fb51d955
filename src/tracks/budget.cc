// CheckBudget: a track part's resource budget (replicas x TP x PP <= 8 GPUs),
// the product of the values at its factor paths.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"

namespace fleetlab {

using nlohmann::json;

BudgetCheck CheckBudget(const TrackPart& part, const json& doc, const std::vector<std::string>& overridden) {
  BudgetCheck out;
  const json& b = part.lab.value("budget", json());
  if (!b.is_object() || !b.contains("factors")) return out;
  const double max = b.value("max", 0.0);
  std::vector<std::string> factors;
  std::vector<std::string> shown;
  for (const json& f : b["factors"]) {
    const std::string path = f.get<std::string>();
    const json* v = FindAtPath(doc, path);
    const double x = v != nullptr && v->is_number() ? v->get<double>() : 1.0;
    out.used *= x;
    factors.push_back(path);
    shown.push_back(fmt::format("{:g}", x));
  }
  if (out.used <= max) return out;
  out.ok = false;
  out.field = factors.front();
  for (const std::string& o : overridden) {
    const std::string path = o.substr(0, o.find('='));
    if (std::find(factors.begin(), factors.end(), path) != factors.end()) {
      out.field = path;
      break;
    }
  }
  const std::string unit = b.value("unit", "");
  const std::string rule = b.value("rule", "");
  out.message = fmt::format("{}: this configuration uses {:g}{}{} ({}); the part's budget is {:g}{}{}{}", out.field,
                            out.used, unit.empty() ? "" : " ", unit, fmt::join(shown, " x "), max,
                            unit.empty() ? "" : " ", unit, rule.empty() ? "" : fmt::format(" ({})", rule));
  return out;
}

}  // namespace fleetlab
