// The lab server without its sockets: the context (options, catalog,
// tracks), the router with every route, and the static files. LabServer
// puts a transport in front of it; the tests and the HTTP fuzz target call
// its router directly.
#pragma once

#include <memory>

#include "fleetlab/server/lab_server.h"
#include "fleetlab/status.h"
#include "server/context.h"
#include "server/router.h"
#include "server/static_files.h"

namespace fleetlab::server {

struct LabApp {
  explicit LabApp(std::unique_ptr<ServerContext> c);
  LabApp(const LabApp&) = delete;
  LabApp& operator=(const LabApp&) = delete;

  std::unique_ptr<ServerContext> ctx;
  Router router;
  std::unique_ptr<StaticFiles> files;  // null when options.static_dir has no index.html
};

// Loads the catalog and the tracks (options.tracks_dir, or the default
// folder; a missing folder gives no tracks). Fails naming the file and
// field of a malformed one.
Result<std::unique_ptr<LabApp>> MakeLabApp(LabServerOptions options);

}  // namespace fleetlab::server
