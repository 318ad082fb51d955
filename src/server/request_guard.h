// Checks every request passes before any route sees it: the Host header
// (against DNS rebinding), the Origin of a POST (against other sites' pages
// driving the API from a student's browser), and a JSON Content-Type on
// bodies (so a cross-origin "simple" text/plain POST cannot run work).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "server/api.h"
#include "server/http_message.h"

namespace fleetlab::server {

struct GuardOptions {
  // Host names (without port) accepted in the Host header besides IP
  // literals and "localhost". Add the names students type for a lab on a
  // LAN (--allow-host).
  std::vector<std::string> allowed_hosts;
};

// The error for a request whose Host header names no allowed host, or
// nullopt (checked before anything else).
std::optional<ApiError> GuardHost(const HttpRequest& req, const GuardOptions& options);
// The error for a body a POST route must not see: sent from another
// origin's page (other than `cors_origin`, when the route allows one), or
// without a JSON Content-Type; or nullopt.
std::optional<ApiError> GuardPost(const HttpRequest& req, const std::string& cors_origin = "");

// True when the request's Origin header is `origin` (a CanonicalOrigin;
// "" never matches).
bool FromOrigin(const HttpRequest& req, const std::string& origin);

// "HTTPS://Lab.Example:443" -> "https://lab.example": an http or https
// origin, lower-cased, without its scheme's default port; nullopt for
// anything else (a path, a query, user info, another scheme, no host).
std::optional<std::string> CanonicalOrigin(const std::string& text);

// The host part of a Host or Origin authority ("[::1]:8080" -> "::1",
// "Lab.Example:80" -> "lab.example"), lower-cased.
std::string HostOf(const std::string& authority);

}  // namespace fleetlab::server
