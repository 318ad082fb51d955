#include "server/request_guard.h"

#include <algorithm>
#include <cctype>

#include <arpa/inet.h>

namespace fleetlab::server {
namespace {

bool IsIpLiteral(const std::string& host) {
  unsigned char buffer[16];
  return inet_pton(AF_INET, host.c_str(), buffer) == 1 || inet_pton(AF_INET6, host.c_str(), buffer) == 1;
}

bool HostAllowed(const std::string& host, const GuardOptions& o) {
  if (host == "localhost" || IsIpLiteral(host)) return true;
  return std::find(o.allowed_hosts.begin(), o.allowed_hosts.end(), host) != o.allowed_hosts.end();
}

// "http://127.0.0.1:8080" -> "127.0.0.1:8080"; "" for "null" or no scheme.
std::string OriginAuthority(const std::string& origin) {
  const auto scheme = origin.find("://");
  return scheme == std::string::npos ? "" : origin.substr(scheme + 3);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string HostOf(const std::string& authority) {
  std::string a = Lower(authority);
  if (!a.empty() && a.front() == '[') {
    const auto close = a.find(']');
    return close == std::string::npos ? a : a.substr(1, close - 1);
  }
  const auto colon = a.find(':');
  return colon == std::string::npos ? a : a.substr(0, colon);
}

std::optional<ApiError> GuardHost(const HttpRequest& req, const GuardOptions& o) {
  const std::string* host = req.Header("host");
  if (host == nullptr || HostAllowed(HostOf(*host), o)) return std::nullopt;
  return ApiError{403, "forbidden", "", "this lab server does not answer for that host name; start it with "
                                        "--allow-host NAME to allow one"};
}

bool FromOrigin(const HttpRequest& req, const std::string& origin) {
  const std::string* sent = req.Header("origin");
  return sent != nullptr && !origin.empty() && Lower(*sent) == origin;
}

std::optional<std::string> CanonicalOrigin(const std::string& text) {
  std::string o = Lower(text);
  std::string scheme = o.rfind("http://", 0) == 0 ? "http" : o.rfind("https://", 0) == 0 ? "https" : "";
  if (scheme.empty()) return std::nullopt;
  std::string authority = o.substr(scheme.size() + 3);
  if (authority.empty() || authority.find_first_of("/?#@\\ ") != std::string::npos) return std::nullopt;
  const std::string default_port = scheme == "http" ? ":80" : ":443";
  if (authority.size() > default_port.size() &&
      authority.compare(authority.size() - default_port.size(), default_port.size(), default_port) == 0) {
    authority.resize(authority.size() - default_port.size());
  }
  for (char c : authority) {
    const bool ok = std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    if (!ok) return std::nullopt;
  }
  return scheme + "://" + authority;
}

std::optional<ApiError> GuardPost(const HttpRequest& req, const std::string& cors_origin) {
  const std::string* host = req.Header("host");
  const std::string* origin = req.Header("origin");
  const bool own = origin != nullptr && host != nullptr && Lower(OriginAuthority(*origin)) == Lower(*host);
  if (origin != nullptr && !own && !FromOrigin(req, cors_origin)) {
    return ApiError{403, "forbidden", "", "requests from another site's page are refused"};
  }
  const std::string* type = req.Header("content-type");
  const std::string media = type == nullptr ? "" : Lower(type->substr(0, type->find(';')));
  if (media.substr(0, media.find_last_not_of(' ') + 1) != "application/json") {
    return ApiError{415, "unsupported_media_type", "", "a request body must be sent as Content-Type: application/json"};
  }
  return std::nullopt;
}

}  // namespace fleetlab::server
