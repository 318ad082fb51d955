#include "server/api.h"

#include <cctype>
#include <cmath>
#include <cstdint>
#include <memory>

#include <fmt/format.h>

#include "fleetlab/util/json.h"
#include "server/utf8.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

// "workload.arrival.rate_per_s: must be ..." -> "workload.arrival.rate_per_s";
// "" when the message does not start with a field path.
std::string LeadingField(const std::string& message) {
  const auto colon = message.find(": ");
  if (colon == std::string::npos || colon == 0) return "";
  std::string field = message.substr(0, colon);
  if (field.rfind("--", 0) == 0) {
    field = field.substr(2);
    for (char& c : field) c = c == '-' ? '_' : c;
  }
  for (char c : field) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '[' || c == ']';
    if (!ok) return "";
  }
  return field;
}

std::string Dump(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string Shorten(const json& v) { return TruncateUtf8(Dump(v), 60); }

}  // namespace

ApiError BadRequest(const std::string& field, const std::string& message) {
  return {400, "invalid_field", field, message};
}
ApiError Unprocessable(const std::string& field, const std::string& message) {
  return {422, "invalid_field", field, message};
}
ApiError LimitExceeded(const std::string& field, const std::string& message) {
  return {422, "limit_exceeded", field, message};
}
ApiError NotFound(const std::string& field, const std::string& message) { return {404, "not_found", field, message}; }

ApiError FromStatus(const Status& status, const std::string& code, const std::string& field_prefix) {
  const std::string& m = status.message();
  const std::string leading = LeadingField(m);
  const std::string field = leading.empty() ? "" : field_prefix + leading;
  // A CLI-shaped message ("--attention-dp: ...") names the body's field.
  const std::string body = m.rfind("--", 0) == 0 && !leading.empty() ? leading + m.substr(m.find(": ")) : m;
  const std::string message = field_prefix.empty() || leading.empty() ? body : field_prefix + body;
  if (m.find(": unknown field") != std::string::npos) return {400, "unknown_field", field, message};
  if (status.code() == Status::Code::kOutOfRange) return {422, "limit_exceeded", field, message};
  return {422, code, field, message};
}

json ErrorJson(const ApiError& e) {
  return {{"error", {{"code", e.code}, {"field", e.field.empty() ? json(nullptr) : json(e.field)},
                     {"message", e.message}}}};
}

void SendJsonText(HttpResponse& res, int status, std::string text) {
  res.status = status;
  res.content_type = "application/json";
  res.body = std::move(text);
  res.SetHeader("Cache-Control", "no-store");
}

void SendJson(HttpResponse& res, int status, const json& body) { SendJsonText(res, status, Dump(body)); }

void SendJson(HttpResponse& res, int status, const nlohmann::ordered_json& body) {
  SendJsonText(res, status, body.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

void SendError(HttpResponse& res, const ApiError& error) { SendJson(res, error.status, ErrorJson(error)); }

Body::Body(const std::string& text, std::initializer_list<const char*> allowed) {
  auto parsed = ParseJsonText(text, "body");  // depth, duplicate keys and numbers bounded (util/json.h)
  if (!parsed.ok()) {
    doc_ = json::object();
    error_ = ApiError{400, "bad_json", "", parsed.status().message()};
    return;
  }
  doc_ = std::move(parsed).value();
  if (!doc_.is_object()) {
    error_ = ApiError{400, "bad_json", "", "the body must be a JSON object, got " + Shorten(doc_)};
    doc_ = json::object();
    return;
  }
  std::string list;
  for (const char* a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  for (const auto& [key, value] : doc_.items()) {
    bool known = false;
    for (const char* a : allowed) known = known || key == a;
    if (!known) {
      error_ = ApiError{400, "unknown_field", key, fmt::format("{}: unknown field; allowed fields: {}", key, list)};
      return;
    }
  }
}

bool Body::Has(const char* key) const {
  const auto it = doc_.find(key);
  return it != doc_.end() && !it->is_null();
}

const json* Body::Find(const char* key, bool required) {
  if (error_) return nullptr;
  const auto it = doc_.find(key);
  if (it == doc_.end() || it->is_null()) {
    if (required) Fail(BadRequest(key, fmt::format("{}: required", key)));
    return nullptr;
  }
  return &*it;
}

bool Body::String(const char* key, std::string* out, bool required) {
  const json* v = Find(key, required);
  if (v == nullptr) return ok();
  if (!v->is_string()) {
    Fail(BadRequest(key, fmt::format("{}: must be a string (got {})", key, Shorten(*v))));
  } else {
    *out = v->get<std::string>();
  }
  return ok();
}

bool Body::Integer(const char* key, std::int64_t* out, std::int64_t low, std::int64_t high, bool required) {
  const json* v = Find(key, required);
  if (v == nullptr) return ok();
  const auto out_of_range = [&] {
    Fail(Unprocessable(key, fmt::format("{}: must be between {} and {} (got {})", key, low, high, Shorten(*v))));
    return ok();
  };
  // Compared as integers: through a double, 2^53 + 1 became 2^53 and passed
  // a bound of 2^53 as another value than the one sent.
  if (v->is_number_unsigned() && v->get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) return out_of_range();
  if (v->is_number_integer()) {
    const auto i = v->get<std::int64_t>();
    if (i < low || i > high) return out_of_range();
    *out = i;
    return ok();
  }
  // 2e3 or 4.0 is an integer; past 2^53 a double is not exact, and a whole
  // number too large for 64 bits (JSON reads 2^64 as a double) is simply
  // out of range.
  constexpr double kExact = 9007199254740992.0;  // 2^53
  const double d = v->is_number_float() ? v->get<double>() : std::nan("");
  if (!(std::isfinite(d) && std::floor(d) == d)) {
    Fail(BadRequest(key, fmt::format("{}: must be an integer (got {})", key, Shorten(*v))));
    return ok();
  }
  if (d < static_cast<double>(low) || d > static_cast<double>(high) || std::fabs(d) > kExact) return out_of_range();
  *out = static_cast<std::int64_t>(d);
  return ok();
}

bool Body::Number(const char* key, double* out, double low, double high, bool required) {
  const json* v = Find(key, required);
  if (v == nullptr) return ok();
  if (!v->is_number()) {
    Fail(BadRequest(key, fmt::format("{}: must be a number (got {})", key, Shorten(*v))));
    return ok();
  }
  const double d = v->get<double>();
  if (!std::isfinite(d) || d < low || d > high) {
    Fail(Unprocessable(key, fmt::format("{}: must be between {} and {} (got {})", key, low, high, Shorten(*v))));
    return ok();
  }
  *out = d;
  return ok();
}

bool Body::Bool(const char* key, bool* out) {
  const json* v = Find(key, false);
  if (v == nullptr) return ok();
  if (!v->is_boolean()) {
    Fail(BadRequest(key, fmt::format("{}: must be true or false (got {})", key, Shorten(*v))));
  } else {
    *out = v->get<bool>();
  }
  return ok();
}

const json* Body::Object(const char* key) {
  const json* v = Find(key, false);
  if (v != nullptr && !v->is_object()) {
    Fail(BadRequest(key, fmt::format("{}: must be an object (got {})", key, Shorten(*v))));
    return nullptr;
  }
  return v;
}

}  // namespace fleetlab::server
