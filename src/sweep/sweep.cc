#include "fleetlab/sweep/sweep.h"

#include <cmath>
#include <filesystem>
#include <set>

#include <fmt/format.h>

#include "fleetlab/random/rng.h"
#include "fleetlab/scenario/parse.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

constexpr auto kSweepModeNames =
    MakeEnumNames<SweepMode>({{SweepMode::kCartesian, "cartesian"}, {SweepMode::kSample, "sample"}});

using nlohmann::json;

bool IsIntegral(double x) { return std::isfinite(x) && std::floor(x) == x && std::fabs(x) < 9e15; }

// A value of a range: an integer when the whole range is integral, else
// rounded to 12 significant digits (8, not 7.999999999999999, from a log
// range), which keeps the files readable and the values exact as written.
json RangeValue(double x, bool integral) {
  if (integral) return static_cast<std::int64_t>(std::llround(x));
  return std::stod(fmt::format("{:.12g}", x));
}

// A range of more than `max_values` values is refused before any is made.
Status TooMany(const std::string& path, double n, std::uint64_t max_points) {
  return Status::OutOfRange(fmt::format("{}: gives {} values, which makes more than the sweep's {} points", path, n,
                                        max_points));
}

Status ParseRange(const json& v, const std::string& path, double max_values, std::uint64_t max_points,
                  std::vector<json>* values) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  double start = 0, stop = 0, step = 0;
  std::uint64_t points = 0;
  int scale = 0;
  if (!r.Has("start") || !r.Has("stop")) {
    return Status::InvalidArgument(fmt::format("{}: needs \"start\" and \"stop\"", path));
  }
  FLEETLAB_RETURN_IF_ERROR(r.Number("start", &start, Range()));
  FLEETLAB_RETURN_IF_ERROR(r.Number("stop", &stop, Range()));
  FLEETLAB_RETURN_IF_ERROR(r.Number("step", &step, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("points", &points, Range::Between(1, 1e6)));
  FLEETLAB_RETURN_IF_ERROR(r.Choice("scale", {"linear", "log"}, &scale));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (r.Has("step") == r.Has("points")) {
    return Status::InvalidArgument(fmt::format("{}: give exactly one of \"step\" and \"points\"", path));
  }
  if (stop < start) return Status::InvalidArgument(fmt::format("{}.stop: must be >= start ({}) (got {})", path, start, stop));
  if (r.Has("step")) {
    if (scale != 0) return Status::InvalidArgument(fmt::format("{}.scale: \"log\" needs \"points\", not \"step\"", path));
    const double n = std::floor((stop - start) / step * (1 + 1e-12)) + 1;
    if (n > 1e6) return Status::InvalidArgument(fmt::format("{}.step: gives {} values, more than 1000000", path, n));
    if (n > max_values) return TooMany(path, n, max_points);
    const bool integral = IsIntegral(start) && IsIntegral(step);
    for (double i = 0; i < n; ++i) values->push_back(RangeValue(start + i * step, integral));
    return Status::Ok();
  }
  if (points == 1 && stop != start) {
    return Status::InvalidArgument(fmt::format("{}.points: 1 point needs stop == start", path));
  }
  if (static_cast<double>(points) > max_values) return TooMany(path, static_cast<double>(points), max_points);
  if (scale == 1 && !(start > 0)) {
    return Status::InvalidArgument(fmt::format("{}.start: a log range needs start > 0 (got {})", path, start));
  }
  for (std::uint64_t i = 0; i < points; ++i) {
    const double t = points == 1 ? 0.0 : static_cast<double>(i) / static_cast<double>(points - 1);
    values->push_back(RangeValue(scale == 1 ? start * std::pow(stop / start, t) : start + t * (stop - start), false));
  }
  return Status::Ok();
}

Status ParseAxis(const json& v, const std::string& path, double max_values, std::uint64_t max_points,
                 SweepAxis* axis) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.String("path", &axis->path));
  if (axis->path.empty() || axis->path.find('=') != std::string::npos) {
    return Status::InvalidArgument(fmt::format("{}.path: must be a dotted field path such as "
                                               "workload.arrival.rate_per_s (got \"{}\")", path, axis->path));
  }
  const json* values = r.Child("values");
  const json* range = r.Child("range");
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if ((values != nullptr) == (range != nullptr)) {
    return Status::InvalidArgument(fmt::format("{}: give exactly one of \"values\" (a list) and \"range\"", path));
  }
  if (range) return ParseRange(*range, path + ".range", max_values, max_points, &axis->values);
  if (!values->is_array()) return Status::InvalidArgument(fmt::format("{}.values: must be a list {}", path, Got(*values)));
  if (values->empty()) return Status::InvalidArgument(fmt::format("{}.values: is empty; an axis needs at least one value", path));
  axis->values.assign(values->begin(), values->end());
  return Status::Ok();
}

Status ParseBase(const json& doc, const std::string& sweep_dir, SweepSpec* spec) {
  if (!doc.contains("base")) return Status::InvalidArgument("base: missing; give a scenario file path or an inline scenario");
  const json& base = doc["base"];
  if (base.is_object()) {
    spec->base = base;
    spec->base_dir = sweep_dir;
    return Status::Ok();
  }
  if (!base.is_string()) return Status::InvalidArgument("base: must be a scenario file path or an object " + Got(base));
  std::filesystem::path p(base.get<std::string>());
  if (p.is_relative() && !sweep_dir.empty()) p = std::filesystem::path(sweep_dir) / p;
  auto read = ReadJsonFile(p.string(), "scenario file");
  if (!read.ok()) return read.status().WithContext("base");
  spec->base = std::move(read).value();
  spec->base_dir = p.parent_path().string();
  return Status::Ok();
}

std::string Describe(const SweepSpec& spec, const SweepPoint& point) {
  std::string out;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    out += fmt::format("{}{}={}", a ? ", " : "", spec.axes[a].path, point.values[a].dump());
  }
  return out;
}

}  // namespace

Result<SweepSpec> ParseSweep(const json& doc, const std::string& sweep_dir, std::uint64_t max_points) {
  SweepSpec spec;
  FieldReader r(doc, "");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  r.Child("base");
  FLEETLAB_RETURN_IF_ERROR(ParseBase(doc, sweep_dir, &spec));
  std::string name;
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &name));
  std::string description;
  FLEETLAB_RETURN_IF_ERROR(r.String("description", &description));
  FLEETLAB_RETURN_IF_ERROR(r.Enum("mode", kSweepModeNames, &spec.mode));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("samples", &spec.samples, Range::Between(1, kMaxSweepPoints)));
  if (spec.samples > max_points) {
    return Status::OutOfRange(fmt::format("samples: {} points, more than the sweep's {}", spec.samples, max_points));
  }
  FLEETLAB_RETURN_IF_ERROR(r.Integer("seed", &spec.seed, Range::AtLeast(0)));
  const json* axes = r.Child("axes");
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (spec.mode == SweepMode::kSample && !r.Has("samples")) {
    return Status::InvalidArgument("samples: missing; mode \"sample\" needs the number of points to draw");
  }
  if (spec.mode != SweepMode::kSample && (r.Has("samples") || r.Has("seed"))) {
    return Status::InvalidArgument(fmt::format("{}: applies only when mode is \"sample\"", r.Has("samples") ? "samples" : "seed"));
  }
  if (!axes || !axes->is_array() || axes->empty()) {
    return Status::InvalidArgument("axes: must be a non-empty list of {\"path\": ..., \"values\" or \"range\": ...}");
  }
  std::set<std::string> paths;
  double product = 1;
  for (std::size_t i = 0; i < axes->size(); ++i) {
    SweepAxis axis;
    // A sample draws from the whole product; a cartesian sweep runs it all.
    const double limit = spec.mode == SweepMode::kSample ? static_cast<double>(kMaxSweepPoints)
                                                         : static_cast<double>(max_points);
    const double max_values = std::floor(limit / product);
    FLEETLAB_RETURN_IF_ERROR(ParseAxis((*axes)[i], fmt::format("axes[{}]", i), max_values,
                                       static_cast<std::uint64_t>(limit), &axis));
    if (!paths.insert(axis.path).second) {
      return Status::InvalidArgument(fmt::format("axes[{}].path: {} is already an axis", i, axis.path));
    }
    product *= static_cast<double>(axis.values.size());
    // Checked as each axis is read (a range before its values are made):
    // many long ranges would otherwise materialise millions of values each
    // before the product is refused.
    if (product > limit) {
      return Status::OutOfRange(fmt::format("axes: {} points in all after axes[{}], more than {}", product, i,
                                            static_cast<std::uint64_t>(limit)));
    }
    spec.axes.push_back(std::move(axis));
  }
  if (spec.mode == SweepMode::kSample && static_cast<double>(spec.samples) > product) {
    return Status::InvalidArgument(fmt::format("samples: must be at most the {} points of the axes' product (got {})",
                                               product, spec.samples));
  }
  return spec;
}

Result<SweepSpec> LoadSweep(const std::string& path) {
  auto doc = ReadJsonFile(path, "sweep file");
  if (!doc.ok()) return doc.status();
  auto spec = ParseSweep(*doc, std::filesystem::path(path).parent_path().string());
  if (!spec.ok()) return spec.status().WithContext(path);
  return spec;
}

std::vector<SweepPoint> ExpandSweep(const SweepSpec& spec) {
  std::uint64_t product = 1;
  for (const SweepAxis& a : spec.axes) product *= a.values.size();
  std::vector<std::uint64_t> order;
  if (spec.mode == SweepMode::kCartesian) {
    for (std::uint64_t i = 0; i < product; ++i) order.push_back(i);
  } else {
    Rng rng = RandomStreams(spec.seed).Stream(StreamId::kSweepSample);
    std::set<std::uint64_t> taken;
    while (order.size() < spec.samples) {
      const std::uint64_t i = rng.Below(product);
      if (taken.insert(i).second) order.push_back(i);
    }
  }
  std::vector<SweepPoint> points;
  points.reserve(order.size());
  for (std::uint64_t flat : order) {
    SweepPoint p;
    p.index = points.size();
    p.values.resize(spec.axes.size());
    for (std::size_t a = spec.axes.size(); a-- > 0;) {
      const std::uint64_t n = spec.axes[a].values.size();
      p.values[a] = spec.axes[a].values[flat % n];
      flat /= n;
    }
    points.push_back(std::move(p));
  }
  return points;
}

Result<json> PointDocument(const SweepSpec& spec, const SweepPoint& point) {
  json doc = spec.base;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    Status s = ApplyOverride(doc, spec.axes[a].path + "=" + point.values[a].dump());
    if (!s.ok()) return s.WithContext(fmt::format("point {} ({})", point.index, Describe(spec, point)));
  }
  return doc;
}

std::string PointKey(const json& point_document) {
  return fmt::format("{:016x}", StableHash(point_document.dump()));
}

Result<Scenario> ParsePoint(const SweepSpec& spec, const SweepPoint& point, const json& document,
                            const Catalog* catalog) {
  ParseOptions options;
  options.base_dir = spec.base_dir;
  options.catalog = catalog;
  options.allow_files = spec.allow_files;
  options.named_traces = spec.named_traces;
  auto s = ParseScenario(document, options);
  if (!s.ok()) return s.status().WithContext(fmt::format("point {} ({})", point.index, Describe(spec, point)));
  return s;
}

}  // namespace fleetlab
