#include "fleetlab/workload/trace.h"

#include <charconv>
#include <fstream>
#include <sstream>
#include <string_view>
#include <type_traits>

#include <fmt/format.h>

#include "fleetlab/time.h"
#include "fleetlab/util/file.h"
#include "fleetlab/util/number.h"

namespace fleetlab {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

template <typename T>
bool ParseNumber(std::string_view s, T* out) {
  s = Trim(s);
  if (s.empty()) return false;
  if constexpr (std::is_floating_point_v<T>) {
    return ParseDouble(s, out);  // no from_chars for double in the WebAssembly build's libc++
  } else {
    const char* end = s.data() + s.size();
    auto [ptr, ec] = std::from_chars(s.data(), end, *out);
    return ec == std::errc() && ptr == end;
  }
}

Status ParseLine(std::string_view line, TraceRecord* rec) {
  const auto c1 = line.find(',');
  const auto c2 = c1 == std::string_view::npos ? c1 : line.find(',', c1 + 1);
  if (c2 == std::string_view::npos || line.find(',', c2 + 1) != std::string_view::npos) {
    return Status::InvalidArgument("expected 3 comma-separated fields arrival_s,prompt_tokens,output_tokens");
  }
  // A time like any other (fleetlab/time.h): "inf" and "1e300" parse as numbers but no clock holds them.
  if (!ParseNumber(line.substr(0, c1), &rec->arrival_s) || !(rec->arrival_s >= 0) ||
      !(rec->arrival_s <= kMaxInputSeconds)) {
    return Status::InvalidArgument("arrival_s must be a number between 0 and 1e6 (seconds, the longest time a "
                                   "scenario may give)");
  }
  if (!ParseNumber(line.substr(c1 + 1, c2 - c1 - 1), &rec->prompt_tokens) || rec->prompt_tokens < 0) {
    return Status::InvalidArgument("prompt_tokens must be an integer >= 0");
  }
  if (!ParseNumber(line.substr(c2 + 1), &rec->output_tokens) || rec->output_tokens < 0) {
    return Status::InvalidArgument("output_tokens must be an integer >= 0");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<TraceRecord>> ParseCsvTrace(const std::string& text, const std::string& name) {
  std::vector<TraceRecord> records;
  std::istringstream in(text);
  std::string raw;
  for (int line_no = 1; std::getline(in, raw); ++line_no) {
    const std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    if (records.empty() && line == "arrival_s,prompt_tokens,output_tokens") continue;
    TraceRecord rec;
    Status s = ParseLine(line, &rec);
    if (!s.ok()) {
      return Status::InvalidArgument(fmt::format("{}:{}: {} (got \"{}\")", name, line_no, s.message(), line));
    }
    if (!records.empty() && rec.arrival_s < records.back().arrival_s) {
      return Status::InvalidArgument(fmt::format("{}:{}: arrival_s {} is earlier than the previous line's {}; "
                                                 "arrivals must not decrease",
                                                 name, line_no, rec.arrival_s, records.back().arrival_s));
    }
    records.push_back(rec);
  }
  if (records.empty()) return Status::InvalidArgument(fmt::format("{}: the trace holds no requests", name));
  return records;
}

Result<std::vector<TraceRecord>> LoadCsvTrace(const std::string& path) {
  auto text = ReadTextFile(path, "trace file");
  if (!text.ok()) return text.status();
  return ParseCsvTrace(*text, path);
}

}  // namespace fleetlab
