// A self-contained HTML page of scatter charts with their Pareto fronts
// (`fleetlab sweep --html`, `fleetlab size --html`): the data, a small SVG
// renderer and its styles inline, nothing fetched from anywhere, so the
// file opens offline and can be mailed. Hovering a point shows its fields.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace fleetlab {

struct ScatterChart {
  std::string title, caption;
  std::string x_key, y_key;      // fields of each point
  std::string x_label, y_label;  // axis titles, with units
  bool x_log = false, y_log = false;
  // The front: points no other point beats on both axes. Lower is better
  // on y (a latency); on x lower (a cost) unless maximize_x (a throughput).
  bool maximize_x = false;
};

// The indices of `points` (objects) on the Pareto front of `chart`, in
// order of x. Points whose x or y is not a positive number (null, an error
// row; <= 0 on a log axis) take no part.
std::vector<std::size_t> ParetoFront(const nlohmann::json& points, const ScatterChart& chart);

// The page: `title`, a `subtitle` line, each chart with its points (grey),
// its front (coloured, joined) and a table of the front's points. `hover`
// names the fields shown for a point (its label first). A chart whose
// points have no values says so instead of drawing.
std::string ChartsPage(const std::string& title, const std::string& subtitle, const nlohmann::json& points,
                       const std::vector<ScatterChart>& charts, const std::vector<std::string>& hover);

}  // namespace fleetlab
