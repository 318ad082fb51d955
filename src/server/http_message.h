// An HTTP request and reply as the routes see them, independent of the
// transport that carried them (http_transport.h reads and writes sockets;
// the routes, the router and the fuzz target see only these).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace fleetlab::server {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  // The request target's path as sent, still percent-encoded, without the
  // query string; the router decodes it (and refuses what it cannot).
  std::string raw_path;
  std::string path;  // decoded by the router before a handler sees it
  // Header names in lower case, in arrival order.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::vector<std::string> params;  // the "*" segments of the matched route
  // The client's IP address as text ("" when unknown: the socket-free
  // tests and the fuzz target); per-client rate limits key on it.
  std::string remote;

  // The value of header `lower_name`, or nullptr.
  const std::string* Header(const std::string& lower_name) const;
};

struct HttpResponse;

// What a deferred job may read while it runs: the cancel flag the
// transport sets when the client disconnects (and Stop sets for every job).
struct JobContext {
  std::atomic<bool>* cancel = nullptr;  // never null inside a job
};

using Job = std::function<void(JobContext&, HttpResponse&)>;

struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // Work for a simulation worker: the router's caller runs it off the I/O
  // thread (or answers 503 when every worker and the queue are taken); it
  // fills this same response.
  Job deferred;

  void SetHeader(std::string name, std::string value);
  bool HasHeader(const std::string& name) const;
};

}  // namespace fleetlab::server
