// The CSV trace formats: fleetlab's own, Azure (2023, 2024) and BurstGPT.
// Columns are found by the header's names; only our own format may come
// without a header (then in its documented order).
#include <array>
#include <cassert>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/time.h"
#include "workload/trace_csv.h"
#include "workload/trace_text.h"

namespace fleetlab::trace_internal {
namespace {

// Every CSV format reads three columns: a time and two token counts.
using Picked = std::array<const CsvField*, 3>;

// Where each wanted column is, read from the first non-blank, non-comment
// line; `optional_header` formats fall back to the columns in order.
struct CsvLayout {
  std::vector<std::size_t> at;
  std::size_t fields = 0;  // fields a headerless line must have (0: any)
};

// Reads the fields of `line` and checks it holds every column of `layout`.
Status Fields(std::string_view line, const CsvLayout& layout, const std::string& name, std::int64_t no,
              std::vector<CsvField>* fields) {
  if (!SplitCsv(line, fields)) return LineError(name, no, line.size() + 1, "a quoted field is not closed", line);
  std::size_t need = layout.fields;
  for (std::size_t a : layout.at) need = std::max(need, a + 1);
  if (fields->size() < need || (layout.fields > 0 && fields->size() != layout.fields)) {
    return LineError(name, no, fields->empty() ? 1 : fields->back().column,
                     fmt::format("expected {} comma-separated fields, found {}", need, fields->size()), line);
  }
  return Status::Ok();
}

Status BadField(const std::string& name, std::int64_t no, const CsvField& f, std::string_view what,
                std::string_view line) {
  return LineError(name, no, f.column, what, line);
}

// Calls `row(fields, line number, line)` for every data line of a CSV trace
// whose header names `columns` (required unless `headerless_ok`).
template <typename Row>
Status ForEachRow(std::string_view text, const std::string& name, std::initializer_list<std::string_view> columns,
                  bool headerless_ok, Row row) {
  assert(columns.size() == 3);
  Lines lines(text);
  std::string_view line;
  std::vector<CsvField> fields;
  CsvLayout layout;
  bool have_layout = false;
  while (lines.Next(&line)) {
    const std::string_view trimmed = Trim(line);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    if (!have_layout) {
      have_layout = true;
      if (!SplitCsv(line, &fields)) return LineError(name, lines.number(), 1, "a quoted field is not closed", line);
      if (HasColumns(fields, columns) || !headerless_ok) {
        auto at = FindColumns(fields, columns, name, lines.number(), line);
        if (!at.ok()) return at.status();
        layout.at = std::move(at).value();
        continue;
      }
      for (std::size_t k = 0; k < columns.size(); ++k) layout.at.push_back(k);
      layout.fields = columns.size();
    }
    FLEETLAB_RETURN_IF_ERROR(Fields(line, layout, name, lines.number(), &fields));
    const Picked picked = {&fields[layout.at[0]], &fields[layout.at[1]], &fields[layout.at[2]]};
    FLEETLAB_RETURN_IF_ERROR(row(picked, lines.number(), line));
  }
  return Status::Ok();
}

}  // namespace

Status ParseFleetlabCsv(std::string_view text, const std::string& name, TraceTable* out) {
  return ForEachRow(text, name, {"arrival_s", "prompt_tokens", "output_tokens"}, true,
                    [&](const Picked& f, std::int64_t no, std::string_view line) {
                      TraceRecord r;
                      // A time like any other (fleetlab/time.h): "inf" and "1e300" parse as numbers but no clock holds them.
                      if (!ParseDouble(f[0]->text, &r.arrival_s) || !(r.arrival_s >= 0) ||
                          r.arrival_s > kMaxInputSeconds) {
                        return BadField(name, no, *f[0],
                                        "arrival_s must be a number between 0 and 1e6 (seconds, the longest time a "
                                        "scenario may give)", line);
                      }
                      if (!ParseCount(f[1]->text, &r.prompt_tokens)) {
                        return BadField(name, no, *f[1], "prompt_tokens must be an integer >= 0", line);
                      }
                      if (!ParseCount(f[2]->text, &r.output_tokens)) {
                        return BadField(name, no, *f[2], "output_tokens must be an integer >= 0", line);
                      }
                      return AddTimed(r, name, no, f[0]->column, line, out);
                    });
}

Status ParseAzureCsv(std::string_view text, const std::string& name, TraceTable* out) {
  std::int64_t first_s = 0;
  double first_frac = 0;
  return ForEachRow(text, name, {"TIMESTAMP", "ContextTokens", "GeneratedTokens"}, false,
                    [&](const Picked& f, std::int64_t no, std::string_view line) {
                      std::int64_t s = 0;
                      double frac = 0;
                      if (!ParseTimestamp(f[0]->text, &s, &frac)) {
                        return BadField(name, no, *f[0],
                                        "TIMESTAMP must be a date and time such as \"2023-11-16 18:15:46.6805900\" "
                                        "or \"2024-05-10 00:00:00.009930+00:00\"", line);
                      }
                      if (out->records.empty()) first_s = s, first_frac = frac;
                      TraceRecord r;
                      r.arrival_s = static_cast<double>(s - first_s) + (frac - first_frac);
                      if (!ParseCountLoose(f[1]->text, &r.prompt_tokens)) {
                        return BadField(name, no, *f[1], "ContextTokens must be an integer >= 0", line);
                      }
                      if (!ParseCountLoose(f[2]->text, &r.output_tokens)) {
                        return BadField(name, no, *f[2], "GeneratedTokens must be an integer >= 0", line);
                      }
                      return AddTimed(r, name, no, f[0]->column, line, out);
                    });
}

Status ParseBurstGptCsv(std::string_view text, const std::string& name, TraceTable* out) {
  double first = 0;
  return ForEachRow(text, name, {"Timestamp", "Request tokens", "Response tokens"}, false,
                    [&](const Picked& f, std::int64_t no, std::string_view line) {
                      double t = 0;
                      if (!ParseDouble(f[0]->text, &t) || t < 0) {
                        return BadField(name, no, *f[0], "Timestamp must be a number of seconds >= 0", line);
                      }
                      if (out->records.empty()) first = t;
                      TraceRecord r;
                      r.arrival_s = t - first;
                      if (!ParseCountLoose(f[1]->text, &r.prompt_tokens)) {
                        return BadField(name, no, *f[1], "Request tokens must be an integer >= 0", line);
                      }
                      if (!ParseCountLoose(f[2]->text, &r.output_tokens)) {
                        return BadField(name, no, *f[2], "Response tokens must be an integer >= 0", line);
                      }
                      return AddTimed(r, name, no, f[0]->column, line, out);
                    });
}

}  // namespace fleetlab::trace_internal
