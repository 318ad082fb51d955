// The lab server's routing: a request's path decoded strictly, checked by
// the guard, matched to a route (or the static files), every exception
// caught, and the security headers set on every reply. It knows nothing of
// sockets: the transport (http_transport.h), the tests and the HTTP fuzz
// target all call Handle.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "server/http_message.h"
#include "server/request_guard.h"

namespace fleetlab::server {

// What a route allows beyond the lab's own pages.
struct RouteOptions {
  // The one other origin (a CanonicalOrigin, e.g. "https://lab.example")
  // whose pages may call this route: its POSTs pass the guard, its replies
  // carry Access-Control-Allow-Origin, and the browser's OPTIONS preflight
  // is answered. "": the lab's own pages only (no CORS headers at all).
  std::string cors_origin;
};

class Router {
 public:
  using Handler = std::function<void(const HttpRequest&, HttpResponse&)>;

  explicit Router(GuardOptions guard) : guard_(std::move(guard)) {}

  // `pattern` is a path whose "*" segments match any one non-empty segment
  // (given to the handler in req.params). A GET route also answers HEAD.
  void Add(std::string method, std::string pattern, Handler handler, RouteOptions options = {});
  // Answers GET and HEAD requests no route matches (the static files).
  void SetFallback(Handler handler) { fallback_ = std::move(handler); }

  // The reply to `req`; never throws. A path that is not valid
  // percent-encoded UTF-8 (or holds a NUL or control byte) is a 400, an
  // unknown path a 404, a known path with another method a 405 with Allow.
  // A reply's deferred job, if any, is wrapped so that it never throws.
  HttpResponse Handle(HttpRequest req) const;

  // The 503 for a deferred job no worker or queue place was left for.
  static void Busy(HttpResponse& res);

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;
    Handler handler;
    RouteOptions options;
  };
  void Dispatch(HttpRequest& req, HttpResponse& res) const;
  // The reply to a CORS preflight (OPTIONS) from the origin `route` allows.
  void Preflight(const HttpRequest& req, const std::vector<std::string>& segments, HttpResponse& res) const;
  GuardOptions guard_;
  std::vector<Route> routes_;
  Handler fallback_;
};

// Percent-decodes a path; nullopt if an escape is malformed or the result
// holds a NUL or control byte or is not valid UTF-8.
std::optional<std::string> DecodePath(const std::string& raw);

// The headers every reply carries (nosniff, the CSP of the lab's own
// origin, no framing, no referrer).
void SetSecurityHeaders(HttpResponse& res);

}  // namespace fleetlab::server
