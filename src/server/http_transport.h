// The lab server's sockets: GNU libmicrohttpd's epoll event loop reads and
// writes every connection on a few I/O threads, so slow or idle clients cost
// a little memory, never a thread; the router answers light requests on the
// I/O thread, and deferred jobs (simulations) run on the JobQueue's workers
// while their connection is suspended. Why not cpp-httplib: it gives each
// connection a thread for its whole life (129 slow clients starved 128
// threads), cannot bound a chunked body, and cannot tell that a client left.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "fleetlab/status.h"
#include "server/router.h"

namespace fleetlab::server {

struct TransportOptions {
  std::string host = "127.0.0.1";  // an address of this machine, or a name for one
  int port = 8080;                 // 0: any free port
  // Largest request body, however it is sent (Content-Length or chunked):
  // larger ones get 413, and a sender that goes on past 16x is cut off.
  std::size_t max_body_bytes = 256 * 1024;
  unsigned workers = 1;   // simulations at once
  std::size_t queue = 8;  // deferred jobs allowed to wait for a worker
  // Connections open at once, and from one client address; beyond them a
  // new connection is closed at once. Raise the per-client cap for a class
  // behind one NAT address.
  unsigned max_connections = 4096;
  unsigned max_connections_per_client = 256;
  // A connection silent this long is closed (idle keep-alive, a stalled
  // request). Above 3/4 of max_connections every reply closes its connection.
  unsigned idle_timeout_s = 5;
  unsigned io_threads = 2;  // event-loop threads
};

class HttpTransport {
 public:
  // REQUIRES: `router` outlives this object.
  HttpTransport(const Router& router, TransportOptions options);
  ~HttpTransport();  // Stop()s
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Binds and listens, then serves on background threads. Fails naming the
  // address when it cannot be bound. REQUIRES: called once.
  Status Start();
  // Stops accepting, cancels the jobs in flight (their clients get their
  // cancellation reply), and closes every connection. Idempotent.
  void Stop();

  int port() const;  // the bound port, after Start

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleetlab::server
