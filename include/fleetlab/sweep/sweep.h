// Sweeps: a base scenario and axes over its fields, expanded into points.
//
// A sweep file (docs/sweep.md) names a base scenario (a path relative to the
// sweep file, or an inline object) and axes over any field, addressed by the
// same dotted paths as `fleetlab run --set`. Each axis is a list of values or
// a range; the axes combine as a cartesian product or as a random sample of
// N distinct points of that product, drawn from the sweep's seed with the
// project's own Rng. Parsing is strict: unknown fields, empty axes and
// malformed ranges are errors naming the field.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/scenario/scenario.h"
#include "fleetlab/status.h"

namespace fleetlab {

class Catalog;

// One axis: a field and the values it takes, in order.
struct SweepAxis {
  std::string path;                    // dotted path, as for --set
  std::vector<nlohmann::json> values;  // never empty
};

enum class SweepMode { kCartesian, kSample };

struct SweepSpec {
  nlohmann::json base;   // the base scenario document
  std::string base_dir;  // where its relative paths (traces) resolve
  std::vector<SweepAxis> axes;  // first axis varies slowest
  SweepMode mode = SweepMode::kCartesian;
  std::uint64_t samples = 0;  // kSample: points drawn
  std::uint64_t seed = 1;     // kSample: root of the stream "sweep_sample"
  // How points are parsed (ParseOptions, parse.h): the lab server forbids
  // files and names its traces; the command line allows files.
  bool allow_files = true;
  const std::map<std::string, std::string>* named_traces = nullptr;  // not owned
};

// One point of a sweep: its position in the output and its axis values.
struct SweepPoint {
  std::uint64_t index = 0;
  std::vector<nlohmann::json> values;  // one per axis, in axis order
};

// The most points one sweep may have (product of the axis sizes).
inline constexpr std::uint64_t kMaxSweepPoints = 10'000'000;

// Parses a sweep document. `sweep_dir` is the sweep file's directory: a
// base given as a path resolves against it. Errors name the field, e.g.
//   axes[1].range.step: must be a number > 0 (got 0)
// A sweep of more than `max_points` points (a cartesian product, or
// samples) is refused with OutOfRange as soon as an axis passes it, a range
// before its values are made; the lab server passes its own bound.
// REQUIRES: 1 <= max_points <= kMaxSweepPoints.
Result<SweepSpec> ParseSweep(const nlohmann::json& doc, const std::string& sweep_dir,
                             std::uint64_t max_points = kMaxSweepPoints);

// Reads and parses a sweep file; errors name the file.
Result<SweepSpec> LoadSweep(const std::string& path);

// The points in output order: the cartesian product (last axis fastest), or
// `samples` distinct points of it in the order they were drawn.
// REQUIRES: spec came from ParseSweep.
std::vector<SweepPoint> ExpandSweep(const SweepSpec& spec);

// The scenario document of one point: the base with each axis value applied
// as an override.
Result<nlohmann::json> PointDocument(const SweepSpec& spec, const SweepPoint& point);

// The point's key: 16 hex digits of a stable hash of its scenario document
// (base and overrides, so editing either changes it).
std::string PointKey(const nlohmann::json& point_document);

// Parses one point's scenario. Errors name the point and its values, e.g.
//   point 3 (replica.tp=3): replica.tp: ...
// `catalog` as for ParseScenario.
Result<Scenario> ParsePoint(const SweepSpec& spec, const SweepPoint& point, const nlohmann::json& document,
                            const Catalog* catalog);

}  // namespace fleetlab
