// What every route shares: the error shape of docs/api.md, JSON replies,
// and strict reading of a request body (the JSON validation helpers).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/status.h"
#include "server/http_message.h"

namespace fleetlab::server {

// An API error: HTTP status, docs/api.md's code, the field to blame ("" for
// none) and the message.
struct ApiError {
  int status = 400;
  std::string code;
  std::string field;
  std::string message;
};

ApiError BadRequest(const std::string& field, const std::string& message);      // 400 invalid_field
ApiError Unprocessable(const std::string& field, const std::string& message);   // 422 invalid_field
ApiError LimitExceeded(const std::string& field, const std::string& message);   // 422 limit_exceeded
ApiError NotFound(const std::string& field, const std::string& message);        // 404 not_found

// A library Status as an API error: the field is the message's leading
// "a.b.c:" path (a CLI flag "--model" becomes "model"), prefixed with
// `field_prefix` ("scenario." for a scenario body); "unknown field" is a 400
// unknown_field, OutOfRange a 422 limit_exceeded, anything else a 422
// `code` (invalid_field, or refused for a configuration that does not fit).
ApiError FromStatus(const Status& status, const std::string& code = "invalid_field",
                    const std::string& field_prefix = "");

nlohmann::json ErrorJson(const ApiError& error);
// JSON replies; text that is not valid UTF-8 (a path, a name from the
// request) is written with U+FFFD in place of the invalid bytes.
void SendJson(HttpResponse& res, int status, const nlohmann::json& body);
void SendJson(HttpResponse& res, int status, const nlohmann::ordered_json& body);
void SendJsonText(HttpResponse& res, int status, std::string text);  // REQUIRES: text is JSON
void SendError(HttpResponse& res, const ApiError& error);



// A request body read strictly: a JSON object with only the allowed fields;
// getters check type (400) and range (422) and name the field.
class Body {
 public:
  // Parses `text` with ParseJsonText; error(): 400 bad_json (not JSON,
  // nested deeper than kMaxJsonDepth, a duplicate key, a number beyond
  // double), or 400 unknown_field for a field
  // outside `allowed`.
  Body(const std::string& text, std::initializer_list<const char*> allowed);

  const std::optional<ApiError>& error() const { return error_; }
  bool ok() const { return !error_; }
  bool Has(const char* key) const;
  const nlohmann::json& doc() const { return doc_; }

  // Each leaves *out unchanged when the field is absent (or null) unless
  // `required`, and records the first error; they return ok().
  bool String(const char* key, std::string* out, bool required = false);
  bool Integer(const char* key, std::int64_t* out, std::int64_t low, std::int64_t high, bool required = false);
  bool Number(const char* key, double* out, double low, double high, bool required = false);
  bool Bool(const char* key, bool* out);
  // An object field (absent: nullptr); a non-object is a 400.
  const nlohmann::json* Object(const char* key);

  void Fail(ApiError error) {
    if (!error_) error_ = std::move(error);
  }

 private:
  const nlohmann::json* Find(const char* key, bool required);
  nlohmann::json doc_;
  std::optional<ApiError> error_;
};

}  // namespace fleetlab::server
