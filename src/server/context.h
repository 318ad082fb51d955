// The state every route reads: options, catalog, tracks, the watchdog.
// Read-only after LabServer::Create, apart from the watchdog.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/server/lab_server.h"
#include "fleetlab/tracks/tracks.h"
#include "server/api.h"
#include "server/router.h"
#include "server/watchdog.h"

namespace fleetlab::server {

struct Classroom;  // server/classroom/classroom.h

struct ServerContext {
  ServerContext(LabServerOptions o, Catalog c, std::vector<Track> t, std::map<std::string, std::string> tr)
      : options(std::move(o)), catalog(std::move(c)), tracks(std::move(t)), traces(std::move(tr)),
        watchdog(options.bounds.max_wall_s > 0 ? std::make_unique<Watchdog>() : nullptr) {}

  LabServerOptions options;
  Catalog catalog;
  std::vector<Track> tracks;
  std::map<std::string, std::string> traces;  // name -> text, from options.traces_dir
  // Its thread cancels simulations at bounds.max_wall_s; null when that is
  // 0 (no thread: the WebAssembly engine, whose page ends a worker instead).
  std::unique_ptr<Watchdog> watchdog;
  // The class this server keeps (`--class`), or null (always null in the
  // WebAssembly engine, which is built without server/classroom/).
  std::shared_ptr<Classroom> classroom;

  // nullptr (and a 404 in *error) when there is no such track or part.
  const TrackPart* FindPart(const std::string& track, const std::string& part, ApiError* error) const;
};

// Every API route of docs/api.md (the static files and the classroom's
// routes aside): what the lab server's router and the in-process API
// (local_api.h) both serve. The lab server adds AddPlannerRoutes, and
// AddClassRoutes when it keeps a class.
void AddApiRoutes(Router& router, ServerContext& ctx);

// Route registration, one concept per file. Heavy routes defer their work
// (HttpResponse::deferred) to a simulation worker.
void AddCatalogRoutes(Router& router, ServerContext& ctx);   // health, catalog
void AddTrackRoutes(Router& router, ServerContext& ctx);     // tracks, tracks/{track}/{part}
void AddRunRoutes(Router& router, ServerContext& ctx);       // run
void AddFrontierRoutes(Router& router, ServerContext& ctx);  // frontier
void AddAnswerRoutes(Router& router, ServerContext& ctx);    // answer
void AddPlanRoutes(Router& router, ServerContext& ctx);      // plan, memory
void AddClassRoutes(Router& router, ServerContext& ctx);     // class: info, join, events, summary
// sweep, size: the lab server's only, as the classroom's (src/sweep/ is not
// in the WebAssembly engine).
void AddPlannerRoutes(Router& router, ServerContext& ctx);

// A part as docs/api.md's Part object (without its scenario).
nlohmann::json PartJson(const TrackPart& part);

}  // namespace fleetlab::server
