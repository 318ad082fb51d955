// Sweep output: one row per point, as CSV or as JSON, and reading back the
// rows of an earlier (possibly interrupted) run to resume it.
//
// Every row is one line. CSV: a header line, then rows. JSON: a "[" line,
// rows as objects each on its own line followed by a comma except the last,
// and a "]" line (a valid JSON array). A row starts with the point's `index`
// and `key` (PointKey); the rest are the axis values and the headline
// metrics (SweepMetricColumns), the same for every scenario kind: a metric
// a scenario does not have (TTFT of a station) is empty/null. A point whose
// run was refused (e.g. the model does not fit) has only `error` set.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/report.h"
#include "fleetlab/status.h"
#include "fleetlab/sweep/sweep.h"

namespace fleetlab {

enum class SweepFormat { kCsv, kJson };

// The format a file name asks for: .csv or .json; an error otherwise.
Result<SweepFormat> SweepFormatOf(const std::string& path);

// The headline metric columns, in order (docs/sweep.md says what each is).
const std::vector<std::string>& SweepMetricColumns();

// The headline metrics of one run, keyed by SweepMetricColumns (null where
// the report has no such value, e.g. latencies of an unstable run).
nlohmann::json HeadlineMetrics(const Report& report);
// Each column's name and its path in ReportToJson's document (where
// HeadlineMetrics' value is taken from: the report's own fields, the same
// values the document holds at these paths).
std::vector<std::pair<std::string, std::string>> HeadlineMetricPaths();

// One finished point, rendered.
struct SweepRow {
  std::uint64_t index = 0;
  std::string key;
  std::string line;  // the row, without its line break or JSON comma
};

// Renders a row from a point's metrics (HeadlineMetrics) or its error.
SweepRow RenderRow(SweepFormat format, const SweepSpec& spec, const SweepPoint& point, const std::string& key,
                   const nlohmann::json& metrics, const std::string& error);

// The CSV header line for `spec` (empty for JSON, which has none).
std::string HeaderLine(SweepFormat format, const SweepSpec& spec);

// The whole file: header (CSV) or brackets (JSON) around `rows` in order.
std::string RenderTable(SweepFormat format, const SweepSpec& spec, const std::vector<SweepRow>& rows);

// The rows of a sweep's output as objects (the JSON rows' shape: index,
// key, params {path: value}, the metric columns, error), in file order,
// for charts and scripts. CSV cells are read back as JSON where they parse
// (numbers, true/false), as strings otherwise, and empty cells as null.
Result<nlohmann::json> RowsAsObjects(SweepFormat format, const SweepSpec& spec, const std::string& text);

// The rows of an earlier output, keyed by index; a last line cut short by an
// interruption (no line break, or not a complete row) is ignored. Fails if
// the CSV header differs from `spec`'s (another sweep wrote the file).
Result<std::map<std::uint64_t, SweepRow>> ParseRows(SweepFormat format, const SweepSpec& spec,
                                                    const std::string& text, const std::string& path);

}  // namespace fleetlab

namespace fleetlab {

// The value at a dotted path ("latency_ms.ttft.p99") inside `doc`, or
// nullptr if some part of the path is absent.
const nlohmann::json* FindPath(const nlohmann::json& doc, const std::string& dotted);

}  // namespace fleetlab
