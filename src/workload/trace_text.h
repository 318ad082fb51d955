// What the trace readers share: walking lines without copying them, CSV
// fields with their columns, columns found by header name, numbers, and
// errors that name input:line:column and quote at most kTraceExcerptChars
// characters.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "fleetlab/status.h"
#include "fleetlab/workload/trace.h"

namespace fleetlab::trace_internal {

// At most kTraceExcerptChars characters of `s` (never splitting a UTF-8
// character), then "... (N more characters)" when cut.
std::string Excerpt(std::string_view s);

// "<name>:<line>:<column>: <message> (got "<excerpt of got>")"; no "(got"
// part when `got` is empty. Columns count from 1.
Status LineError(const std::string& name, std::int64_t line, std::size_t column, std::string_view message,
                 std::string_view got);

// The lines of a text, each without its "\n" or "\r\n"; a UTF-8 byte-order
// mark at the start is skipped. number() is the current line's, from 1.
class Lines {
 public:
  explicit Lines(std::string_view text);
  bool Next(std::string_view* line);
  std::int64_t number() const { return number_; }

 private:
  std::string_view rest_;
  std::int64_t number_ = 0;
};

// One CSV field: its text (outer quotes removed, inner "" kept as is: the
// readers only interpret numeric fields) and its 1-based column.
struct CsvField {
  std::string_view text;
  std::size_t column = 1;
};
// Splits a CSV line (RFC 4180 quoting); false on an unterminated quote.
bool SplitCsv(std::string_view line, std::vector<CsvField>* out);

// The position of each of `wanted` in a header line's fields, matched by
// name (ASCII case-insensitive, spaces around a name ignored). On a missing
// name: an error naming every wanted column.
Result<std::vector<std::size_t>> FindColumns(const std::vector<CsvField>& header,
                                             std::initializer_list<std::string_view> wanted, const std::string& name,
                                             std::int64_t line, std::string_view text);
// Whether the fields hold every name of `wanted` (the header test).
bool HasColumns(const std::vector<CsvField>& fields, std::initializer_list<std::string_view> wanted);

std::string_view Trim(std::string_view s);
// Whole-field parses (spaces around allowed): a count in [0, 2^31), a
// finite double.
bool ParseCount(std::string_view s, std::int32_t* out);
bool ParseDouble(std::string_view s, double* out);
// A count that may be written as a float ("512.0"), as some exports do.
bool ParseCountLoose(std::string_view s, std::int32_t* out);

// "YYYY-MM-DD HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]" (a 'T' between date and
// time allowed) -> whole seconds since 1970-01-01 UTC and the fraction.
// The offset, when given, is applied; without one the time is taken as UTC.
bool ParseTimestamp(std::string_view s, std::int64_t* seconds, double* fraction);

// Tokens in a text by the stated estimate: ceil(code points / chars_per_token), at least 1.
std::int32_t EstimateTokens(std::string_view text, double chars_per_token);

// Checks and appends a record to a timed trace: arrival_s (seconds after
// the first record) within [previous, 1e9]. Errors name the line and column.
Status AddTimed(TraceRecord r, const std::string& name, std::int64_t line, std::size_t column, std::string_view text,
                TraceTable* out);

}  // namespace fleetlab::trace_internal
