#include <charconv>
#include <cstdio>
#include <sstream>
#include <string_view>

#include <fmt/format.h>

#include "fleetlab/time.h"
#include "fleetlab/util/file.h"

#include "fleetlab/workload/trace.h"

namespace fleetlab {
namespace {

// Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "YYYY-MM-DD HH:MM:SS[.fraction]" -> seconds since 1970 (no time zone).
bool ParseTimestamp(std::string_view s, double* out) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, consumed = 0;
  double sec = 0;
  const std::string text(s);
  if (std::sscanf(text.c_str(), "%4d-%2d-%2d %2d:%2d:%lf%n", &y, &mo, &d, &h, &mi, &sec, &consumed) != 6 ||
      static_cast<std::size_t>(consumed) != text.size() || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
      mi > 59 || !(sec >= 0 && sec < 61)) {  // written so that a "nan" second fails too
    return false;
  }
  const auto days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  *out = static_cast<double>(days) * 86400.0 + h * 3600.0 + mi * 60.0 + sec;
  return true;
}

bool ParseCount(std::string_view s, std::int32_t* out) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ')) s.remove_suffix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size() && *out >= 0;
}

}  // namespace

Result<std::vector<TraceRecord>> ParseAzureTrace(const std::string& text, const std::string& name) {
  std::istringstream in(text);
  std::string line;
  std::vector<TraceRecord> out;
  double first = 0;
  for (int no = 1; std::getline(in, line); ++no) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (no == 1 && line.rfind("TIMESTAMP", 0) == 0) continue;
    const auto c1 = line.find(','), c2 = c1 == std::string::npos ? c1 : line.find(',', c1 + 1);
    TraceRecord r;
    double t = 0;
    if (c2 == std::string::npos || !ParseTimestamp(std::string_view(line).substr(0, c1), &t) ||
        !ParseCount(std::string_view(line).substr(c1 + 1, c2 - c1 - 1), &r.prompt_tokens) ||
        !ParseCount(std::string_view(line).substr(c2 + 1), &r.output_tokens)) {
      return Status::InvalidArgument(fmt::format("{}:{}: expected TIMESTAMP,ContextTokens,GeneratedTokens such as "
                                                 "\"2023-11-16 18:15:46.6805900,4808,10\" (got \"{}\")",
                                                 name, no, line));
    }
    if (out.empty()) first = t;
    r.arrival_s = t - first;
    if (r.arrival_s > kMaxInputSeconds) {
      return Status::InvalidArgument(fmt::format("{}:{}: {:g} s after the first request; a trace may span at most "
                                                 "1e6 s (about 11.6 days, the longest time a scenario may give)",
                                                 name, no, r.arrival_s));
    }
    if (!out.empty() && r.arrival_s < out.back().arrival_s) {
      return Status::InvalidArgument(fmt::format("{}:{}: timestamp earlier than the previous line's", name, no));
    }
    out.push_back(r);
  }
  if (out.empty()) return Status::InvalidArgument(fmt::format("{}: the trace holds no requests", name));
  return out;
}

Result<std::vector<TraceRecord>> LoadAzureTrace(const std::string& path) {
  auto text = ReadTextFile(path, "trace file");
  if (!text.ok()) return text.status();
  return ParseAzureTrace(*text, path);
}

}  // namespace fleetlab
