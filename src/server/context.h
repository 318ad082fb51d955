// The state every route reads: options, catalog, tracks, the worker pool.
// Read-only after LabServer::Create, apart from the pool and watchdog.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <httplib.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/server/lab_server.h"
#include "fleetlab/tracks/tracks.h"
#include "server/api.h"
#include "server/work_gate.h"

namespace fleetlab::server {

struct ServerContext {
  ServerContext(LabServerOptions o, Catalog c, std::vector<Track> t)
      : options(std::move(o)), catalog(std::move(c)), tracks(std::move(t)), gate(options.workers, options.queue) {}

  LabServerOptions options;
  Catalog catalog;
  std::vector<Track> tracks;
  WorkGate gate;
  Watchdog watchdog;

  // nullptr (and a 404 in *error) when there is no such track or part.
  const TrackPart* FindPart(const std::string& track, const std::string& part, ApiError* error) const;
};

// Runs `work` with a place in the worker pool, or answers 503 busy with
// Retry-After when the pool and its queue are full.
template <typename Work>
void WithWorker(ServerContext& ctx, httplib::Response& res, Work&& work) {
  auto ticket = ctx.gate.TryEnter();
  if (!ticket) {
    res.set_header("Retry-After", "1");
    SendError(res, ApiError{503, "busy", "", "every simulation worker is busy and the wait queue is full; retry "
                                            "after 1 s"});
    return;
  }
  work();
}

// Route registration, one concept per file.
void AddCatalogRoutes(httplib::Server& http, ServerContext& ctx);   // health, catalog
void AddTrackRoutes(httplib::Server& http, ServerContext& ctx);     // tracks, tracks/{track}/{part}
void AddRunRoutes(httplib::Server& http, ServerContext& ctx);       // run
void AddFrontierRoutes(httplib::Server& http, ServerContext& ctx);  // frontier
void AddAnswerRoutes(httplib::Server& http, ServerContext& ctx);    // answer
void AddPlanRoutes(httplib::Server& http, ServerContext& ctx);      // plan, memory

// A part as docs/api.md's Part object (without its scenario).
nlohmann::json PartJson(const TrackPart& part);

}  // namespace fleetlab::server
