#include "workload/trace_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include <fmt/format.h>

#include "fleetlab/time.h"
#include "fleetlab/util/number.h"

namespace fleetlab::trace_internal {
namespace {

bool IsContinuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

char Lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

bool SameName(std::string_view a, std::string_view b) {
  a = Trim(a);
  b = Trim(b);
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (Lower(a[i]) != Lower(b[i])) return false;
  }
  return true;
}

// `n` decimal digits at s[*i] into *out.
bool Digits(std::string_view s, std::size_t* i, int n, int* out) {
  if (*i + static_cast<std::size_t>(n) > s.size()) return false;
  int v = 0;
  for (int k = 0; k < n; ++k) {
    const char c = s[*i + static_cast<std::size_t>(k)];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *i += static_cast<std::size_t>(n);
  *out = v;
  return true;
}

bool Expect(std::string_view s, std::size_t* i, char c) {
  if (*i >= s.size() || s[*i] != c) return false;
  ++*i;
  return true;
}

// Days from 1970-01-01 to the civil date (Howard Hinnant's days_from_civil).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// "[Z|+HH:MM|-HH:MM]" at s[i] to the end: the offset east of UTC in seconds.
bool Offset(std::string_view s, std::size_t i, int* offset_s) {
  *offset_s = 0;
  if (i == s.size()) return true;
  if (s[i] == 'Z') return i + 1 == s.size();
  if (s[i] != '+' && s[i] != '-') return false;
  const int sign = s[i] == '-' ? -1 : 1;
  int hh = 0, mm = 0;
  ++i;
  if (!Digits(s, &i, 2, &hh) || !Expect(s, &i, ':') || !Digits(s, &i, 2, &mm) || i != s.size() || hh > 23 ||
      mm > 59) {
    return false;
  }
  *offset_s = sign * (hh * 3600 + mm * 60);
  return true;
}

}  // namespace

std::string Excerpt(std::string_view s) {
  std::size_t cut = 0, chars = 0;
  while (cut < s.size() && chars < kTraceExcerptChars) {
    ++cut;
    while (cut < s.size() && IsContinuation(s[cut])) ++cut;
    ++chars;
  }
  if (cut == s.size()) return std::string(s);
  std::size_t more = 0;
  for (std::size_t i = cut; i < s.size(); ++i) more += IsContinuation(s[i]) ? 0 : 1;
  return fmt::format("{}... ({} more characters)", s.substr(0, cut), more);
}

Status LineError(const std::string& name, std::int64_t line, std::size_t column, std::string_view message,
                 std::string_view got) {
  if (got.empty()) return Status::InvalidArgument(fmt::format("{}:{}:{}: {}", name, line, column, message));
  return Status::InvalidArgument(fmt::format("{}:{}:{}: {} (got \"{}\")", name, line, column, message, Excerpt(got)));
}

Lines::Lines(std::string_view text) : rest_(text) {
  if (rest_.substr(0, 3) == "\xEF\xBB\xBF") rest_.remove_prefix(3);
}

bool Lines::Next(std::string_view* line) {
  if (rest_.empty()) return false;
  const auto nl = rest_.find('\n');
  *line = rest_.substr(0, nl);
  rest_.remove_prefix(nl == std::string_view::npos ? rest_.size() : nl + 1);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  ++number_;
  return true;
}

bool SplitCsv(std::string_view line, std::vector<CsvField>* out) {
  out->clear();
  std::size_t i = 0;
  while (true) {
    CsvField f;
    f.column = i + 1;
    if (i < line.size() && line[i] == '"') {
      std::size_t j = i + 1;
      while (true) {
        j = line.find('"', j);
        if (j == std::string_view::npos) return false;
        if (j + 1 < line.size() && line[j + 1] == '"') {
          j += 2;
          continue;
        }
        break;
      }
      f.text = line.substr(i + 1, j - i - 1);
      i = j + 1;
      while (i < line.size() && line[i] != ',') ++i;  // stray text after the quote is ignored
    } else {
      const auto comma = line.find(',', i);
      f.text = line.substr(i, comma == std::string_view::npos ? std::string_view::npos : comma - i);
      i = comma == std::string_view::npos ? line.size() : comma;
    }
    out->push_back(f);
    if (i >= line.size()) return true;
    ++i;  // the comma
  }
}

bool HasColumns(const std::vector<CsvField>& fields, std::initializer_list<std::string_view> wanted) {
  for (std::string_view w : wanted) {
    bool found = false;
    for (const CsvField& f : fields) found = found || SameName(f.text, w);
    if (!found) return false;
  }
  return true;
}

Result<std::vector<std::size_t>> FindColumns(const std::vector<CsvField>& header,
                                             std::initializer_list<std::string_view> wanted, const std::string& name,
                                             std::int64_t line, std::string_view text) {
  std::vector<std::size_t> at;
  std::string all;
  for (std::string_view w : wanted) all += (all.empty() ? "" : ", ") + std::string(w);
  for (std::string_view w : wanted) {
    std::size_t k = 0;
    while (k < header.size() && !SameName(header[k].text, w)) ++k;
    if (k == header.size()) {
      return LineError(name, line, 1,
                       fmt::format("the header must name the columns {} (in any order); \"{}\" is missing", all, w),
                       text);
    }
    at.push_back(k);
  }
  return at;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool ParseCount(std::string_view s, std::int32_t* out) {
  s = Trim(s);
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return !s.empty() && ec == std::errc() && p == s.data() + s.size() && *out >= 0;
}

bool ParseDouble(std::string_view s, double* out) {
  // util/number.h, not from_chars: the WebAssembly build's libc++ has none for double.
  return fleetlab::ParseDouble(Trim(s), out) && std::isfinite(*out);
}

bool ParseCountLoose(std::string_view s, std::int32_t* out) {
  if (ParseCount(s, out)) return true;
  double v = 0;
  if (!ParseDouble(s, &v) || !(v >= 0) || v >= 2147483648.0 || v != std::floor(v)) return false;
  *out = static_cast<std::int32_t>(v);
  return true;
}

bool ParseTimestamp(std::string_view s, std::int64_t* seconds, double* fraction) {
  s = Trim(s);
  std::size_t i = 0;
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (!Digits(s, &i, 4, &y) || !Expect(s, &i, '-') || !Digits(s, &i, 2, &mo) || !Expect(s, &i, '-') ||
      !Digits(s, &i, 2, &d) || i >= s.size() || (s[i] != ' ' && s[i] != 'T')) {
    return false;
  }
  ++i;
  if (!Digits(s, &i, 2, &h) || !Expect(s, &i, ':') || !Digits(s, &i, 2, &mi) || !Expect(s, &i, ':') ||
      !Digits(s, &i, 2, &sec)) {
    return false;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
  double frac = 0, scale = 0.1;
  if (i < s.size() && s[i] == '.') {
    const std::size_t start = ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i, scale /= 10) frac += (s[i] - '0') * scale;
    if (i == start) return false;
  }
  int offset = 0;
  if (!Offset(s, i, &offset)) return false;
  *seconds = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 + mi * 60 +
             sec - offset;
  *fraction = frac;
  return true;
}

std::int32_t EstimateTokens(std::string_view text, double chars_per_token) {
  std::int64_t chars = 0;
  for (char c : text) chars += IsContinuation(c) ? 0 : 1;
  const double tokens = std::ceil(static_cast<double>(chars) / chars_per_token);
  return static_cast<std::int32_t>(std::clamp(tokens, 1.0, 1e9));
}

Status AddTimed(TraceRecord r, const std::string& name, std::int64_t line, std::size_t column, std::string_view text,
                TraceTable* out) {
  if (!out->records.empty() && r.arrival_s < out->records.back().arrival_s) {
    return LineError(name, line, column,
                     fmt::format("arrival {:g} s is earlier than the previous line's {:g} s; arrivals must not "
                                 "decrease",
                                 r.arrival_s, out->records.back().arrival_s),
                     text);
  }
  if (!(r.arrival_s >= 0) || r.arrival_s > kHorizonSeconds) {
    return LineError(name, line, column,
                     fmt::format("{:g} s after the first request; a trace may span at most 1e9 s (the clock's "
                                 "horizon; replay a part of it with trace_window)", r.arrival_s),
                     text);
  }
  out->records.push_back(r);
  return Status::Ok();
}

}  // namespace fleetlab::trace_internal
