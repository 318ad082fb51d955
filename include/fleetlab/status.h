// Status and Result<T>: how errors cross the API and parsing edges.
//
// Library code never exits the process and never throws across its public
// API. A function that can fail on user input returns a Status (or a
// Result<T> carrying a value on success) whose message names the field, file
// or line at fault and the values allowed. Invariants inside the library are
// checked with assert, not with Status.
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <utility>

namespace fleetlab {

class Status {
 public:
  enum class Code { kOk = 0, kInvalidArgument, kNotFound, kOutOfRange, kIoError };

  Status() = default;  // OK
  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {Code::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status OutOfRange(std::string msg) { return {Code::kOutOfRange, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is prefixed with "context: ".
  Status WithContext(const std::string& context) const {
    if (ok()) return *this;
    return {code_, context + ": " + message_};
  }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status explaining why there is none.
template <typename T>
class Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) { assert(!status_.ok()); }  // NOLINT

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

  // REQUIRES: ok()
  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace fleetlab

// Returns early from the enclosing function if `expr` yields a non-OK Status.
#define FLEETLAB_RETURN_IF_ERROR(expr)            \
  do {                                            \
    ::fleetlab::Status _fl_status = (expr);       \
    if (!_fl_status.ok()) return _fl_status;      \
  } while (0)
