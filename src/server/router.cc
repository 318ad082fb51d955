#include "server/router.h"

#include <fmt/format.h>

#include "server/api.h"
#include "server/utf8.h"

namespace fleetlab::server {
namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  std::size_t start = 1;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const std::size_t end = slash == std::string::npos ? path.size() : slash;
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool Matches(const std::vector<std::string>& pattern, const std::vector<std::string>& segments,
             std::vector<std::string>* params) {
  if (pattern.size() != segments.size()) return false;
  params->clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] == "*") {
      if (segments[i].empty()) return false;
      params->push_back(segments[i]);
    } else if (pattern[i] != segments[i]) {
      return false;
    }
  }
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Job NeverThrows(Job job) {
  return [job = std::move(job)](JobContext& ctx, HttpResponse& res) {
    try {
      job(ctx, res);
    } catch (...) {
      res.deferred = nullptr;
      SendError(res, ApiError{500, "internal", "", "internal error"});
    }
  };
}

}  // namespace

std::optional<std::string> DecodePath(const std::string& raw) {
  std::string out;
  out.reserve(raw.size());
  for (std::size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c == '%') {
      const int hi = i + 2 < raw.size() ? HexDigit(raw[i + 1]) : -1;
      const int lo = hi >= 0 ? HexDigit(raw[i + 2]) : -1;
      if (lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    }
    const auto b = static_cast<unsigned char>(c);
    if (b < 0x20 || b == 0x7F) return std::nullopt;
    out.push_back(c);
  }
  if (out.empty() || out.front() != '/' || !IsValidUtf8(out)) return std::nullopt;
  return out;
}

void SetSecurityHeaders(HttpResponse& res) {
  res.SetHeader("X-Content-Type-Options", "nosniff");
  res.SetHeader("Content-Security-Policy",
                // 'wasm-unsafe-eval': the page may compile the lab's own WebAssembly engine (make site),
                // which takes over when the server is busy; it allows no eval() of JavaScript.
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; img-src 'self' data: blob:; "
                "object-src 'none'; base-uri 'none'; "
                "form-action 'self'; frame-ancestors 'none'");
  res.SetHeader("X-Frame-Options", "DENY");
  res.SetHeader("Referrer-Policy", "no-referrer");
}

void Router::Add(std::string method, std::string pattern, Handler handler, RouteOptions options) {
  routes_.push_back(Route{std::move(method), Split(pattern), std::move(handler), std::move(options)});
}

namespace {

// The headers that let the page of the route's one allowed origin read a reply.
void AllowOrigin(const HttpRequest& req, HttpResponse& res) {
  res.SetHeader("Access-Control-Allow-Origin", *req.Header("origin"));
  res.SetHeader("Vary", "Origin");
}

}  // namespace

void Router::Preflight(const HttpRequest& req, const std::vector<std::string>& segments, HttpResponse& res) const {
  std::string methods;
  std::vector<std::string> params;
  for (const Route& r : routes_) {
    if (Matches(r.segments, segments, &params) && FromOrigin(req, r.options.cors_origin)) {
      methods += (methods.empty() ? "" : ", ") + r.method;
    }
  }
  AllowOrigin(req, res);
  res.status = 204;
  res.SetHeader("Access-Control-Allow-Methods", methods);
  res.SetHeader("Access-Control-Allow-Headers", "Content-Type");
  res.SetHeader("Access-Control-Max-Age", "600");
  // Chromium's Private Network Access: a public site's page asking a
  // server on the LAN or loopback (the class server) needs this consent.
  const std::string* pna = req.Header("access-control-request-private-network");
  if (pna != nullptr && *pna == "true") res.SetHeader("Access-Control-Allow-Private-Network", "true");
}

void Router::Busy(HttpResponse& res) {
  res.deferred = nullptr;
  res.SetHeader("Retry-After", "1");
  SendError(res, ApiError{503, "busy", "", "every simulation worker is busy and the wait queue is full; retry "
                                          "after 1 s"});
}

void Router::Dispatch(HttpRequest& req, HttpResponse& res) const {
  auto decoded = DecodePath(req.raw_path);
  if (!decoded) {
    return SendError(res, ApiError{400, "invalid_field", "", "malformed request path: not valid percent-encoded "
                                                             "UTF-8, or it holds a control character"});
  }
  req.path = std::move(*decoded);
  if (auto e = GuardHost(req, guard_)) return SendError(res, *e);
  const auto segments = Split(req.path);
  const std::string method = req.method == "HEAD" ? "GET" : req.method;
  std::string allow;
  for (const Route& r : routes_) {
    if (!Matches(r.segments, segments, &req.params)) continue;
    const bool cross = FromOrigin(req, r.options.cors_origin);
    if (method == "OPTIONS" && cross) return Preflight(req, segments, res);
    if (r.method != method) {
      allow += (allow.empty() ? "" : ", ") + r.method + (r.method == "GET" ? ", HEAD" : "");
      continue;
    }
    if (cross) AllowOrigin(req, res);  // the page may read errors too
    if (auto e = method == "POST" ? GuardPost(req, r.options.cors_origin) : std::nullopt) return SendError(res, *e);
    return r.handler(req, res);
  }
  if (!allow.empty()) {
    res.SetHeader("Allow", allow);
    return SendError(res, ApiError{405, "method_not_allowed", "", fmt::format("{}: method not allowed here; "
                                                                              "allowed: {}", req.method, allow)});
  }
  const bool api = req.path.rfind("/api/", 0) == 0;
  if (!fallback_ || api) return SendError(res, NotFound("", fmt::format("{}: no such path", req.path)));
  if (method == "GET") return fallback_(req, res);
  res.SetHeader("Allow", "GET, HEAD");
  SendError(res, ApiError{405, "method_not_allowed", "", fmt::format("{}: method not allowed here; allowed: GET, "
                                                                     "HEAD", req.method)});
}

HttpResponse Router::Handle(HttpRequest req) const {
  HttpResponse res;
  SetSecurityHeaders(res);
  try {
    Dispatch(req, res);
  } catch (...) {
    res = HttpResponse{};
    SetSecurityHeaders(res);
    SendError(res, ApiError{500, "internal", "", "internal error"});
  }
  if (res.deferred) res.deferred = NeverThrows(std::move(res.deferred));
  return res;
}

}  // namespace fleetlab::server
