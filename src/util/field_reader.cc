#include "util/field_reader.h"

#include <cmath>

#include <fmt/format.h>

namespace fleetlab {

bool Range::Contains(double x) const {
  if (!std::isfinite(x)) return false;
  const bool above = low_open ? x > low : x >= low;
  const bool below = high_open ? x < high : x <= high;
  return above && below;
}

std::string Range::Describe() const {
  const bool has_low = std::isfinite(low), has_high = std::isfinite(high);
  if (has_low && has_high) {
    return fmt::format("between {} and {}{}", low, high,
                       low_open || high_open ? fmt::format(" ({})", low_open ? "exclusive of the lower" : "exclusive of the upper") : "");
  }
  if (has_low) return fmt::format("{} {}", low_open ? ">" : ">=", low);
  if (has_high) return fmt::format("{} {}", high_open ? "<" : "<=", high);
  return "any number";
}

std::string Got(const nlohmann::json& value) {
  std::string text = value.dump();
  if (text.size() > 60) text = text.substr(0, 57) + "...";
  return "(got " + text + ")";
}

FieldReader::FieldReader(const nlohmann::json& object, std::string path)
    : object_(object), path_(std::move(path)) {}

Status FieldReader::CheckObject() const {
  if (object_.is_object()) return Status::Ok();
  return Status::InvalidArgument(
      fmt::format("{}: must be a JSON object {}", path_.empty() ? "scenario" : path_, Got(object_)));
}

std::string FieldReader::PathOf(const char* key) const { return path_.empty() ? key : path_ + "." + key; }

Status FieldReader::Error(const char* key, const std::string& message) const {
  return Status::InvalidArgument(fmt::format("{}: {}", PathOf(key), message));
}

bool FieldReader::Has(const char* key) const {
  const auto it = object_.find(key);
  return it != object_.end() && !it->is_null();
}

const nlohmann::json* FieldReader::Find(const char* key) {
  read_.insert(key);
  const auto it = object_.find(key);
  return it == object_.end() || it->is_null() ? nullptr : &*it;
}

const nlohmann::json* FieldReader::Child(const char* key) { return Find(key); }

Status FieldReader::Number(const char* key, double* out, Range range) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_number() || !range.Contains(v->get<double>())) {
    return Error(key, fmt::format("must be a number {} {}", range.Describe(), Got(*v)));
  }
  *out = v->get<double>();
  return Status::Ok();
}

const char* UnitName(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSeconds: return "s";
    case TimeUnit::kMilliseconds: return "ms";
    case TimeUnit::kMicroseconds: return "us";
  }
  return "";  // unreachable
}

double UnitsPerSecond(TimeUnit unit) {
  switch (unit) {
    case TimeUnit::kSeconds: return 1;
    case TimeUnit::kMilliseconds: return 1e3;
    case TimeUnit::kMicroseconds: return 1e6;
  }
  return 1;  // unreachable
}

Status CheckTime(const std::string& field, const nlohmann::json& value, TimeUnit unit, TimeRange range,
                 double* out_s) {
  const double per_s = UnitsPerSecond(unit);  // multiply and divide by it: exact for the whole powers of ten used
  const double max = std::min(range.max_s, kMaxInputSeconds) * per_s;  // in the field's unit
  const double x = value.is_number() ? value.get<double>() : -1;
  const bool ok = value.is_number() && std::isfinite(x) && (range.zero_allowed ? x >= 0 : x > 0) && x <= max;
  if (ok) {
    *out_s = x / per_s;
    return Status::Ok();
  }
  const std::string why = range.max_s < kMaxInputSeconds
                              ? ""
                              : " (1e6 s: the longest time a scenario may give)";
  return Status::InvalidArgument(fmt::format("{}: must be a time {} and at most {:g} {}{} {}", field,
                                             range.zero_allowed ? ">= 0" : "> 0", max, UnitName(unit), why,
                                             Got(value)));
}

Status CheckRate(const std::string& field, const nlohmann::json& value, bool zero_allowed, double* out_per_s) {
  const double x = value.is_number() ? value.get<double>() : -1;
  const bool ok = value.is_number() && ((zero_allowed && x == 0) || (x >= kMinRatePerS && x <= kMaxRatePerS));
  if (ok) {
    *out_per_s = x;
    return Status::Ok();
  }
  return Status::InvalidArgument(fmt::format("{}: must be {}a rate between {:g} and {:g} per second {}", field,
                                             zero_allowed ? "0 or " : "", kMinRatePerS, kMaxRatePerS, Got(value)));
}

Status FieldReader::Time(const char* key, double* out_s, TimeUnit unit, TimeRange range) {
  const nlohmann::json* v = Find(key);
  return v == nullptr ? Status::Ok() : CheckTime(PathOf(key), *v, unit, range, out_s);
}

Status FieldReader::Rate(const char* key, double* out_per_s, bool zero_allowed) {
  const nlohmann::json* v = Find(key);
  return v == nullptr ? Status::Ok() : CheckRate(PathOf(key), *v, zero_allowed, out_per_s);
}

Status FieldReader::Integer(const char* key, std::uint64_t* out, Range range) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return Status::Ok();
  if (range.high >= 18446744073709551616.0) range = {range.low, 18446744073709551616.0, range.low_open, true};  // 2^64
  const bool integral = v->is_number_integer() ||
                        (v->is_number_float() && std::floor(v->get<double>()) == v->get<double>());
  if (!integral || !range.Contains(v->get<double>()) || v->get<double>() < 0) {
    return Error(key, fmt::format("must be an integer {} {}", range.Describe(), Got(*v)));
  }
  *out = v->is_number_unsigned() ? v->get<std::uint64_t>() : static_cast<std::uint64_t>(v->get<double>());
  return Status::Ok();
}

Status FieldReader::Integer32(const char* key, std::uint32_t* out, Range range) {
  std::uint64_t wide = *out;
  range.high = std::min(range.high, 4294967295.0);
  FLEETLAB_RETURN_IF_ERROR(Integer(key, &wide, range));
  *out = static_cast<std::uint32_t>(wide);
  return Status::Ok();
}

Status FieldReader::Bool(const char* key, bool* out) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_boolean()) return Error(key, fmt::format("must be true or false {}", Got(*v)));
  *out = v->get<bool>();
  return Status::Ok();
}

Status FieldReader::String(const char* key, std::string* out) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_string()) return Error(key, fmt::format("must be a string {}", Got(*v)));
  *out = v->get<std::string>();
  return Status::Ok();
}

Status FieldReader::Choice(const char* key, const std::vector<std::string>& choices, int* out) {
  const nlohmann::json* v = Find(key);
  if (v == nullptr) return Status::Ok();
  std::string list;
  for (const auto& c : choices) list += (list.empty() ? "\"" : ", \"") + c + "\"";
  if (v->is_string()) {
    for (std::size_t i = 0; i < choices.size(); ++i) {
      if (choices[i] == v->get<std::string>()) {
        *out = static_cast<int>(i);
        return Status::Ok();
      }
    }
  }
  return Error(key, fmt::format("must be one of {} {}", list, Got(*v)));
}

Status FieldReader::Finish() const {
  for (const auto& [key, value] : object_.items()) {
    if (read_.count(key) > 0) continue;
    std::string allowed;
    for (const auto& k : read_) allowed += (allowed.empty() ? "" : ", ") + k;
    return Status::InvalidArgument(
        fmt::format("{}: unknown field; allowed fields here: {}", PathOf(key.c_str()), allowed));
  }
  return Status::Ok();
}

}  // namespace fleetlab
