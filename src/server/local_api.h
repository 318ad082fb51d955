// The lab API in-process: a request (method, path, JSON body) in, the reply
// (status, JSON) out, through the lab server's own router and routes
// (AddApiRoutes), with no sockets and no threads: a route's deferred
// simulation runs at once on the calling thread. The WebAssembly engine
// (src/wasm/) is built on it, so the browser gets the server's request
// handling, checks, bounds and error messages, not a copy of them.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

#include "fleetlab/server/lab_server.h"
#include "fleetlab/status.h"
#include "fleetlab/util/file_set.h"
#include "server/context.h"
#include "server/router.h"

namespace fleetlab::server {

class LocalApi {
 public:
  struct Reply {
    int status = 200;
    std::string body;  // JSON
  };

  // The catalog and the tracks from files in memory (Catalog::LoadFiles,
  // LoadTracksFromFiles; errors name them data/... and tracks/...). Of
  // `options` only bounds and answer matter; bounds.max_wall_s = 0 (no
  // watchdog thread) where there are no threads.
  static Result<std::unique_ptr<LocalApi>> Create(LabServerOptions options, const FileSet& catalog_files,
                                                  const FileSet& track_files);

  // What the lab server answers to `method` `path` (e.g. "POST",
  // "/api/v1/run") with `body`. Never throws.
  Reply Call(const std::string& method, const std::string& path, const std::string& body) const;

  // /frontier in pieces, for a caller that runs the points in parallel (the
  // browser's Web Workers): first the capacity the frontier's loads are
  // fractions of (an object {"capacity_per_s", "capacity_source"}: one
  // saturation run for an LLM replica), then, given it, point `index` of the
  // frontier `body` asks for (its figures, as an object), and the /frontier
  // reply put together from every point's figures (a JSON array in rate
  // order). For a body /frontier refuses, each gives /frontier's error; the
  // pieces of a body it accepts give exactly its reply (FinishFrontier).
  Reply FrontierCapacity(const std::string& body) const;
  Reply FrontierPoint(const std::string& body, const std::string& capacity, std::size_t index) const;
  Reply FrontierFinish(const std::string& body, const std::string& capacity, const std::string& points) const;

  const ServerContext& context() const { return *ctx_; }

 private:
  explicit LocalApi(std::unique_ptr<ServerContext> ctx);
  std::unique_ptr<ServerContext> ctx_;
  Router router_;
};

}  // namespace fleetlab::server
