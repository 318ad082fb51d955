// The lab server: the JSON API of docs/api.md and the built front end over
// HTTP (GNU libmicrohttpd's event loop; server/http_transport.h says why).
// It reads the catalog and the tracks once at Create and writes to disk
// only the class database of a classroom (classroom.h). Every simulation a
// request asks for is bounded (RunBounds); heavy requests pass a bounded worker pool that answers 503
// with Retry-After when it and its small wait queue are full.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "fleetlab/server/classroom.h"
#include "fleetlab/status.h"
#include "fleetlab/tracks/tracks.h"

namespace fleetlab {

// Server-side caps on the work of one request; exceeding one is a 422
// {"code": "limit_exceeded"} naming the field. Raise them for a lab on a big
// machine with few students; lower them for a shared classroom server.
struct RunBounds {
  // Simulated requests one run may send: workload.requests, or rate x
  // duration_s for a timed open-loop workload.
  std::uint64_t max_requests = 200'000;
  // Events one run may deliver: a scenario's limits.max_events is lowered
  // to this.
  std::uint64_t max_events = 50'000'000;
  // Memory one run may need, by EstimateRun (run_estimate.h: requests x
  // bytes each + fleet members x their state): a 10,000-replica fleet or
  // millions of queued requests are refused before they are built.
  double max_bytes = 1024.0 * 1024 * 1024;
  // Wall time of one request's simulations; the run is then cancelled
  // (RunHooks::cancel) and its memory freed. 0: no limit and no watchdog
  // thread, for an embedder that bounds time itself (the WebAssembly engine
  // has no threads; its page ends a worker that runs too long).
  double max_wall_s = 10.0;
  // Frontier: points per curve, and points x requests per point.
  std::size_t max_frontier_points = 40;
  std::uint64_t max_frontier_requests = 1'000'000;
  // Planner: GPUs per replica (every tp x pp split is simulated).
  int max_plan_gpus = 64;
  // Sweep: points, and the sum over points of their planned requests.
  std::size_t max_sweep_points = 200;
  std::uint64_t max_sweep_requests = 1'000'000;
  // Sizing: candidates x 10 bisection runs x requests per unit (the search
  // before its fleets), and candidates searched.
  std::uint64_t max_size_requests = 1'000'000;
  std::size_t max_size_candidates = 256;
};

// How /answer computes the engine's answer to a part's question; the CLI
// passes AnswerPart (tracks/tracks.h). Empty: /answer answers 501.
using PartAnswerer =
    std::function<Result<TrackAnswer>(const TrackPart&, const std::vector<std::string>&, const AnswerHooks&)>;

struct LabServerOptions {
  // Interface to bind: loopback unless the lab is meant to be reachable
  // from other machines (then e.g. "0.0.0.0").
  std::string host = "127.0.0.1";
  int port = 8080;  // 0: any free port (tests); port() tells which
  // The built front end (web/dist); "" or a folder without index.html: "/"
  // answers a short page saying how to build it.
  std::string static_dir;
  std::string tracks_dir;  // "": DefaultTracksDir()
  // Traces requests may name (workload.arrival.trace = a file's name
  // without its extension): every *.csv file directly in this folder, read
  // once at Create (at most 64 files of 64 MiB). "": none; requests can
  // still carry a trace inline (trace_data).
  std::string traces_dir;
  // Simulations running at once (0: the machine's hardware threads), and
  // heavy requests allowed to wait for one; beyond that, 503.
  unsigned workers = 0;
  std::size_t queue = 8;
  // Connections open at once, and from one client address (beyond them a
  // new connection is closed at once); a connection silent this long is
  // closed. Raise the per-client cap for a class behind one NAT address.
  unsigned max_connections = 4096;
  unsigned max_connections_per_client = 256;
  unsigned idle_timeout_s = 5;
  // Host names (besides IP literals and localhost) accepted in the Host
  // header: the names students type for a lab on a LAN.
  std::vector<std::string> allowed_hosts;
  // Larger bodies get 413, however they are sent (Content-Length or chunked).
  std::size_t max_body_bytes = 256 * 1024;
  RunBounds bounds;
  PartAnswerer answer;
  // A class students may join (classroom.h); classroom.code "" for none.
  ClassroomOptions classroom;
};

class LabServer {
 public:
  // Loads the catalog and the tracks. Fails (naming the file and field) if
  // either is malformed; a missing tracks folder gives an empty track list.
  static Result<std::unique_ptr<LabServer>> Create(LabServerOptions options);
  ~LabServer();  // Stop()s

  // Binds host:port and serves on a background thread. Fails if the address
  // cannot be bound. REQUIRES: called once.
  Status Start();
  // Stops accepting, finishes the requests in flight and joins. Idempotent.
  void Stop();

  int port() const;         // the bound port, after Start
  std::string url() const;  // "http://host:port"
  // The instructor's token of the class (ClassroomOptions), "" without one.
  std::string instructor_token() const;

 private:
  struct Impl;
  explicit LabServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace fleetlab
