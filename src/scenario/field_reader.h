// FieldReader: strict, typed reading of one JSON object at the parsing edge.
//
// Each getter reads an optional field into an options struct (an absent
// field, or one set to null, leaves the in-class default in place), checking type and range and
// producing an error that names the full path. Finish() reports any field
// that no getter asked for, so a misspelt field is an error, not a default.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"

namespace fleetlab {

// An allowed numeric interval; open or closed at each end.
struct Range {
  double low = -1e300, high = 1e300;
  bool low_open = false, high_open = false;

  static Range AtLeast(double v) { return {v, 1e300, false, false}; }
  static Range Above(double v) { return {v, 1e300, true, false}; }
  static Range Between(double lo, double hi) { return {lo, hi, false, false}; }
  bool Contains(double x) const;
  std::string Describe() const;  // e.g. "> 0", "between 0 and 1"
};

class FieldReader {
 public:
  // `path` is the dotted path of `object` ("" for the root).
  FieldReader(const nlohmann::json& object, std::string path);

  // Status of the object itself: an error if it is not a JSON object.
  Status CheckObject() const;

  Status Number(const char* key, double* out, Range range);
  Status Integer(const char* key, std::uint64_t* out, Range range);
  Status Integer32(const char* key, std::uint32_t* out, Range range);
  Status Bool(const char* key, bool* out);
  Status String(const char* key, std::string* out);
  // A string that must be one of `choices`; stores the index of the match.
  Status Choice(const char* key, const std::vector<std::string>& choices, int* out);

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
