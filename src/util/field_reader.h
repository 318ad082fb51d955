// FieldReader: strict, typed reading of one JSON object at the parsing edge.
//
// Each getter reads an optional field into an options struct (an absent
// field, or one set to null, leaves the in-class default in place), checking type and range and
// producing an error that names the full path. Finish() reports any field
// that no getter asked for, so a misspelt field is an error, not a default.
#pragma once

#include <cstdint>
#include <algorithm>
#include <initializer_list>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"
#include "fleetlab/time.h"
#include "fleetlab/util/enum_names.h"

namespace fleetlab {

// An allowed numeric interval; open or closed at each end. An infinite end
// is no bound (JSON holds no infinities, and ParseJsonText refuses numbers
// beyond double range).
struct Range {
  double low = -kInf, high = kInf;
  bool low_open = false, high_open = false;

  static constexpr double kInf = std::numeric_limits<double>::infinity();
  static Range AtLeast(double v) { return {v, kInf, false, false}; }
  static Range Above(double v) { return {v, kInf, true, false}; }
  static Range Between(double lo, double hi) { return {lo, hi, false, false}; }
  bool Contains(double x) const;
  std::string Describe() const;  // e.g. "> 0", "between 0 and 1"
};

// A coefficient of variation (gamma gaps, gamma and lognormal
// distributions). A gamma's shape is 1/cv^2: it overflows to inf near cv =
// 1e-154 (every draw NaN) and underflows to 0 near cv = 1e154 (every draw
// 0); 1e-3 (shape 1e6) is more regular than any real process, and at 100 a
// lognormal's sigma is already 3 (its P99.99 is 1e4 times its median).
// constexpr: constant-initialised, so code that parses during static
// initialisation (the bench registers the track parts before main) never
// reads it as zeros.
inline constexpr Range kCvRange{1e-3, 100, false, false};

// Times and rates: the one check every time and rate a scenario gives goes
// through (bounds in fleetlab/time.h, docs/scenario.md "Times and rates").
// A time is at most kMaxInputSeconds (or a field's own, smaller maximum);
// a rate lies between kMinRatePerS and kMaxRatePerS.
enum class TimeUnit { kSeconds, kMilliseconds, kMicroseconds };

struct TimeRange {
  bool zero_allowed = true;
  double max_s = kMaxInputSeconds;  // never above kMaxInputSeconds

  static TimeRange NonNegative() { return {}; }
  static TimeRange Positive() { return {false, kMaxInputSeconds}; }
  // A field with a smaller maximum of its own, in seconds.
  static TimeRange UpTo(double max_s) { return {true, std::min(max_s, kMaxInputSeconds)}; }
};

// The unit's name ("ms"), and how many of it make a second (1e3).
const char* UnitName(TimeUnit unit);
double UnitsPerSecond(TimeUnit unit);

// Checks that `value`, a time in `unit` read from `field`, lies in `range`;
// on success stores it in seconds. Errors name the field and the range in
// the field's unit, e.g. "station.service.mean_ms: must be a time > 0 and
// at most 1e+09 ms (1e6 s: the longest time a scenario may give) (got 1e+15)".
Status CheckTime(const std::string& field, const nlohmann::json& value, TimeUnit unit, TimeRange range,
                 double* out_s);
// Checks that `value` read from `field` is a rate in [kMinRatePerS,
// kMaxRatePerS], or 0 when `zero_allowed`: "workload.arrival.rate_per_s:
// must be a rate between 1e-06 and 1e+09 per second (got 1e-300)".
Status CheckRate(const std::string& field, const nlohmann::json& value, bool zero_allowed, double* out_per_s);

class FieldReader {
 public:
  // `path` is the dotted path of `object` ("" for the root).
  FieldReader(const nlohmann::json& object, std::string path);

  // Status of the object itself: an error if it is not a JSON object.
  Status CheckObject() const;

  Status Number(const char* key, double* out, Range range);
  // A time in `unit` (the field's suffix), stored in SECONDS; CheckTime.
  Status Time(const char* key, double* out_s, TimeUnit unit, TimeRange range);
  // A rate per second; CheckRate.
  Status Rate(const char* key, double* out_per_s, bool zero_allowed = false);
  Status Integer(const char* key, std::uint64_t* out, Range range);
  Status Integer32(const char* key, std::uint32_t* out, Range range);
  Status Bool(const char* key, bool* out);
  Status String(const char* key, std::string* out);
  // A string that must be one of `choices`; stores the index of the match.
  Status Choice(const char* key, const std::vector<std::string>& choices, int* out);
  // A string that must be one of `names`' names; stores the named value.
  template <typename E, std::size_t N>
  Status Enum(const char* key, const EnumNames<E, N>& names, E* out) {
    int index = static_cast<int>(names.IndexOf(*out));
    Status s = Choice(key, names.Names(), &index);
    const auto i = static_cast<std::size_t>(index);
    if (s.ok() && index >= 0 && i < N) *out = names.entries[i].value;
    return s;
  }

  bool Has(const char* key) const;
  // The child object at `key` (marked as read) or nullptr if absent.
  const nlohmann::json* Child(const char* key);
  std::string PathOf(const char* key) const;

  // Fails if the object holds a field no getter asked for.
  Status Finish() const;

 private:
  const nlohmann::json* Find(const char* key);
  Status Error(const char* key, const std::string& message) const;

  const nlohmann::json& object_;
  std::string path_;
  std::set<std::string> read_;
};

// "(got <value>)" with the JSON value shortened for messages.
std::string Got(const nlohmann::json& value);

}  // namespace fleetlab
