#include "fleetlab/sweep/sweep_rows.h"

#include <algorithm>

#include <fmt/format.h>

#include "fleetlab/report/render.h"
#include "fleetlab/util/json.h"

namespace fleetlab {
namespace {

using nlohmann::json;
using nlohmann::ordered_json;

// Each headline column: where it sits in ReportToJson's document, and how it
// is read from the Report directly (the same value; sweep_rows_test.cc checks
// every column against the document), so that a sweep point does not
// render its whole report.
struct MetricSource {
  const char* name;
  const char* path;
  json (*get)(const Report&);
};

json Valid(const Report& r, double x) { return r.completed > 0 ? json(x) : json(nullptr); }

template <typename F>
json Llm(const Report& r, F f) {
  return r.llm ? json(f(*r.llm)) : json(nullptr);
}

const std::vector<MetricSource>& MetricSources() {
  static const std::vector<MetricSource> sources = {
      {"stable", "stable", [](const Report& r) { return json(r.stable); }},
      {"e2e_p50_ms", "latency_ms.e2e.p50", [](const Report& r) { return Valid(r, r.e2e_ms.p50); }},
      {"e2e_p99_ms", "latency_ms.e2e.p99", [](const Report& r) { return Valid(r, r.e2e_ms.p99); }},
      {"throughput_rps", "throughput.requests_per_s", [](const Report& r) { return json(r.throughput_rps); }},
      {"utilization", "utilization", [](const Report& r) { return json(r.utilization); }},
      {"ttft_p99_ms", "latency_ms.ttft.p99",
       [](const Report& r) { return r.llm ? Valid(r, r.llm->ttft_ms.p99) : json(nullptr); }},
      {"tpot_p99_ms", "latency_ms.tpot.p99",
       [](const Report& r) { return r.llm ? Valid(r, r.llm->tpot_ms.p99) : json(nullptr); }},
      {"output_tokens_per_s", "throughput.output_tokens_per_s",
       [](const Report& r) { return Llm(r, [](const LlmReport& l) { return l.output_tokens_per_s; }); }},
      {"usd_per_million_output_tokens", "cost.usd_per_million_output_tokens",
       [](const Report& r) { return Llm(r, [](const LlmReport& l) { return l.usd_per_million_output_tokens; }); }},
      {"gpus", "cost.gpus", [](const Report& r) { return Llm(r, [](const LlmReport& l) { return l.gpus_total; }); }},
      {"usd_per_hour", "cost.usd_per_hour",
       [](const Report& r) { return Llm(r, [](const LlmReport& l) { return l.usd_per_hour; }); }},
      {"usd_per_million_input_tokens_split", "cost.split.usd_per_million_input_tokens",
       [](const Report& r) { return Llm(r, [](const LlmReport& l) { return l.usd_per_million_input_tokens; }); }},
      {"usd_per_million_output_tokens_split", "cost.split.usd_per_million_output_tokens",
       [](const Report& r) {
         return Llm(r, [](const LlmReport& l) { return l.usd_per_million_output_tokens_split; });
       }},
      {"slo_attainment", "slo.attainment",
       [](const Report& r) { return Llm(r, [](const LlmReport& l) { return l.slo_attainment; }); }},
      {"goodput_rps", "slo.goodput_rps",
       [](const Report& r) { return Llm(r, [](const LlmReport& l) { return l.goodput_rps; }); }},
      {"events", "sim.events", [](const Report& r) { return json(r.events); }},
  };
  return sources;
}

std::string OneLine(std::string s) {
  std::replace(s.begin(), s.end(), '\n', ' ');
  std::replace(s.begin(), s.end(), '\r', ' ');
  return s;
}

std::string CsvCell(const json& v) {
  if (v.is_null()) return "";
  std::string s = v.is_string() ? OneLine(v.get<std::string>()) : v.dump();
  if (s.find_first_of(",\"") == std::string::npos) return s;
  std::string quoted = "\"";
  for (char c : s) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
  return quoted + "\"";
}

// Fields of one CSV line (quotes respected), or -1 if a quote is left open.
int CsvFieldCount(const std::string& line) {
  int fields = 1;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) ++fields;
  }
  return quoted ? -1 : fields;
}

std::vector<std::string> CompleteLines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;  // a last line without its line break was cut short: dropped
}

bool ParseCsvRow(const std::string& line, int fields, SweepRow* row) {
  if (CsvFieldCount(line) != fields) return false;
  const std::size_t c1 = line.find(','), c2 = line.find(',', c1 + 1);
  try {
    std::size_t used = 0;
    row->index = std::stoull(line.substr(0, c1), &used);
    if (used != c1) return false;
  } catch (const std::exception&) {
    return false;
  }
  row->key = line.substr(c1 + 1, c2 - c1 - 1);
  row->line = line;
  return true;
}

bool ParseJsonRow(std::string line, SweepRow* row) {
  if (!line.empty() && line.back() == ',') line.pop_back();
  auto parsed = ParseJsonText(line, "");  // bounded: a damaged row is a row to redo, never a crash
  if (!parsed.ok()) return false;
  const json& j = *parsed;
  if (!j.is_object() || !j.contains("index") || !j["index"].is_number_unsigned() ||
      !j.contains("key") || !j["key"].is_string()) {
    return false;
  }
  row->index = j["index"].get<std::uint64_t>();
  row->key = j["key"].get<std::string>();
  row->line = line;
  return true;
}

// The fields of one CSV line, quotes undone.
std::vector<std::string> CsvFields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"' && quoted && i + 1 < line.size() && line[i + 1] == '"') {
      fields.back() += '"';
      ++i;
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ',' && !quoted) {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

json CellValue(const std::string& cell) {
  if (cell.empty()) return nullptr;
  auto parsed = ParseJsonText(cell, "");
  return parsed.ok() && !parsed->is_object() && !parsed->is_array() ? *parsed : json(cell);
}

}  // namespace

Result<json> RowsAsObjects(SweepFormat format, const SweepSpec& spec, const std::string& text) {
  json rows = json::array();
  const std::vector<std::string> lines = CompleteLines(text);
  if (format == SweepFormat::kJson) {
    for (std::string line : lines) {
      if (line == "[" || line == "]" || line.empty()) continue;
      if (line.back() == ',') line.pop_back();
      auto row = ParseJsonText(line, "sweep row");
      if (!row.ok()) return row.status();
      rows.push_back(std::move(row).value());
    }
    return rows;
  }
  const std::size_t axes = spec.axes.size();
  const std::vector<std::string>& metrics = SweepMetricColumns();
  for (std::size_t l = 1; l < lines.size(); ++l) {
    const std::vector<std::string> f = CsvFields(lines[l]);
    if (f.size() != 2 + axes + metrics.size() + 1) continue;  // a damaged line
    json row = {{"index", CellValue(f[0])}, {"key", f[1]}, {"params", json::object()}};
    for (std::size_t a = 0; a < axes; ++a) row["params"][spec.axes[a].path] = CellValue(f[2 + a]);
    for (std::size_t m = 0; m < metrics.size(); ++m) row[metrics[m]] = CellValue(f[2 + axes + m]);
    row["error"] = CellValue(f.back());
    rows.push_back(std::move(row));
  }
  return rows;
}

const json* FindPath(const json& doc, const std::string& dotted) {
  const json* at = &doc;
  std::size_t start = 0;
  while (start <= dotted.size()) {
    const std::size_t dot = std::min(dotted.find('.', start), dotted.size());
    const std::string part = dotted.substr(start, dot - start);
    if (!at->is_object() || !at->contains(part)) return nullptr;
    at = &(*at)[part];
    start = dot + 1;
  }
  return at;
}

Result<SweepFormat> SweepFormatOf(const std::string& path) {
  const auto ends = [&path](const char* ext) {
    const std::string e(ext);
    return path.size() > e.size() && path.compare(path.size() - e.size(), e.size(), e) == 0;
  };
  if (ends(".csv")) return SweepFormat::kCsv;
  if (ends(".json")) return SweepFormat::kJson;
  return Status::InvalidArgument(fmt::format("--out {}: must end in .csv or .json", path));
}

const std::vector<std::string>& SweepMetricColumns() {
  static const std::vector<std::string> columns = [] {
    std::vector<std::string> c;
    for (const MetricSource& m : MetricSources()) c.push_back(m.name);
    return c;
  }();
  return columns;
}

json HeadlineMetrics(const Report& report) {
  json metrics = json::object();
  for (const MetricSource& m : MetricSources()) metrics[m.name] = m.get(report);
  return metrics;
}

std::vector<std::pair<std::string, std::string>> HeadlineMetricPaths() {
  std::vector<std::pair<std::string, std::string>> paths;
  for (const MetricSource& m : MetricSources()) paths.emplace_back(m.name, m.path);
  return paths;
}

SweepRow RenderRow(SweepFormat format, const SweepSpec& spec, const SweepPoint& point, const std::string& key,
                   const json& metrics, const std::string& error) {
  SweepRow row{point.index, key, ""};
  const json err = error.empty() ? json() : json(OneLine(error));
  const auto metric = [&metrics](const std::string& name) {
    return metrics.is_object() && metrics.contains(name) ? metrics[name] : json();
  };
  if (format == SweepFormat::kCsv) {
    row.line = fmt::format("{},{}", point.index, key);
    for (const json& v : point.values) (row.line += ',') += CsvCell(v);
    for (const std::string& name : SweepMetricColumns()) (row.line += ',') += CsvCell(metric(name));
    (row.line += ',') += CsvCell(err);
    return row;
  }
  ordered_json j;
  j["index"] = point.index;
  j["key"] = key;
  ordered_json params = ordered_json::object();
  for (std::size_t a = 0; a < spec.axes.size(); ++a) params[spec.axes[a].path] = point.values[a];
  j["params"] = params;
  for (const std::string& name : SweepMetricColumns()) j[name] = metric(name);
  j["error"] = err;
  row.line = j.dump();
  return row;
}

std::string HeaderLine(SweepFormat format, const SweepSpec& spec) {
  if (format == SweepFormat::kJson) return "";
  std::string line = "index,key";
  for (const SweepAxis& a : spec.axes) (line += ',') += CsvCell(a.path);
  for (const std::string& name : SweepMetricColumns()) (line += ',') += name;
  return line + ",error";
}

std::string RenderTable(SweepFormat format, const SweepSpec& spec, const std::vector<SweepRow>& rows) {
  std::string out;
  if (format == SweepFormat::kCsv) {
    out = HeaderLine(format, spec) + "\n";
    for (const SweepRow& r : rows) out += r.line + "\n";
    return out;
  }
  out = "[\n";
  for (std::size_t i = 0; i < rows.size(); ++i) out += rows[i].line + (i + 1 < rows.size() ? ",\n" : "\n");
  return out + "]\n";
}

Result<std::map<std::uint64_t, SweepRow>> ParseRows(SweepFormat format, const SweepSpec& spec, const std::string& text,
                                                    const std::string& path) {
  std::map<std::uint64_t, SweepRow> rows;
  const std::vector<std::string> lines = CompleteLines(text);
  if (lines.empty()) return rows;
  const std::string header = HeaderLine(format, spec);
  if (format == SweepFormat::kCsv && lines[0] != header) {
    return Status::InvalidArgument(fmt::format("{}: its header differs from this sweep's ({}); it was written by "
                                               "another sweep: remove it or choose another --out", path, header));
  }
  const int fields = CsvFieldCount(header);
  for (std::size_t i = format == SweepFormat::kCsv ? 1 : 0; i < lines.size(); ++i) {
    if (lines[i] == "[" || lines[i] == "]") continue;
    SweepRow row;
    const bool ok = format == SweepFormat::kCsv ? ParseCsvRow(lines[i], fields, &row) : ParseJsonRow(lines[i], &row);
    if (ok) rows[row.index] = std::move(row);
  }
  return rows;
}

}  // namespace fleetlab
