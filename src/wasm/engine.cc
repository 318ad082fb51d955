// The engine for the browser, built by em++ only (`make site`, docs/site.md):
// the lab API in-process (server/local_api.h: the server's own routes and
// checks) behind C functions that a Web Worker calls
// (web/src/engine/worker.ts). Each call returns the reply's HTTP status;
// fleetlab_reply() is its JSON body until the next call. No threads, no
// files: the catalog and the tracks are handed over at fleetlab_init.
#include <emscripten/emscripten.h>

#include <memory>
#include <string>

#include "fleetlab/tracks/tracks.h"
#include "fleetlab/util/json.h"
#include "server/local_api.h"

namespace {

using fleetlab::FileSet;
using fleetlab::server::LocalApi;

// One per WebAssembly instance, that is one per worker: the module's edge,
// as main() is the command line's.
struct Engine {
  std::unique_ptr<LocalApi> api;
  std::string reply;
};

Engine& State() {
  static Engine engine;
  return engine;
}

int Answer(LocalApi::Reply r) {
  State().reply = std::move(r.body);
  return r.status;
}

int Fail(int status, const std::string& message) {
  const nlohmann::json error = {{"error", {{"code", "internal"}, {"field", nullptr}, {"message", message}}}};
  State().reply = error.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);  // a file name may not be UTF-8
  return status;
}

// {"data/gpus/h100-sxm.json": text, "tracks/cloud-titan/part1.json": text, ...}
// split into the catalog's files and the tracks' (paths relative to data/
// and tracks/); nothing else is accepted.
bool SplitFiles(const nlohmann::json& files, FileSet* catalog, FileSet* tracks, std::string* error) {
  if (!files.is_object()) return (*error = "the engine's files must be an object of path -> text"), false;
  for (const auto& [path, text] : files.items()) {
    if (!text.is_string()) return (*error = path + ": must be the file's text"), false;
    if (path.rfind("data/", 0) == 0) {
      (*catalog)[path.substr(5)] = text.get<std::string>();
    } else if (path.rfind("tracks/", 0) == 0) {
      (*tracks)[path.substr(7)] = text.get<std::string>();
    } else {
      return (*error = path + ": not under data/ or tracks/"), false;
    }
  }
  return true;
}

}  // namespace

extern "C" {

// Loads the catalog and the tracks from `files` (the JSON object above).
// 200, or 500 with the loader's message (naming the file and field).
EMSCRIPTEN_KEEPALIVE int fleetlab_init(const char* files) {
  auto doc = fleetlab::ParseJsonText(files, "engine files");
  if (!doc.ok()) return Fail(500, doc.status().message());
  FileSet catalog, tracks;
  std::string error;
  if (!SplitFiles(*doc, &catalog, &tracks, &error)) return Fail(500, error);
  fleetlab::LabServerOptions options;
  options.answer = &fleetlab::AnswerPart;
  options.bounds.max_wall_s = 0;  // no watchdog thread: the page ends a worker that runs too long
  auto api = LocalApi::Create(std::move(options), catalog, tracks);
  if (!api.ok()) return Fail(500, api.status().message());
  State().api = std::move(api).value();
  return Answer({200, R"({"status":"ok"})"});
}

// What the lab server answers to `method` `path` with `body` (docs/api.md).
EMSCRIPTEN_KEEPALIVE int fleetlab_call(const char* method, const char* path, const char* body) {
  if (!State().api) return Fail(500, "the engine is not initialised (fleetlab_init)");
  return Answer(State().api->Call(method, path, body));
}

// The frontier `body` asks for, in pieces (LocalApi::FrontierCapacity,
// FrontierPoint, FrontierFinish): the capacity its loads are fractions of,
// point `index` given that capacity, and the /frontier reply from every point.
EMSCRIPTEN_KEEPALIVE int fleetlab_frontier_capacity(const char* body) {
  if (!State().api) return Fail(500, "the engine is not initialised (fleetlab_init)");
  return Answer(State().api->FrontierCapacity(body));
}

EMSCRIPTEN_KEEPALIVE int fleetlab_frontier_point(const char* body, const char* capacity, int index) {
  if (!State().api) return Fail(500, "the engine is not initialised (fleetlab_init)");
  if (index < 0) return Fail(400, "frontier point: the index must be >= 0");
  return Answer(State().api->FrontierPoint(body, capacity, static_cast<std::size_t>(index)));
}

EMSCRIPTEN_KEEPALIVE int fleetlab_frontier_finish(const char* body, const char* capacity, const char* points) {
  if (!State().api) return Fail(500, "the engine is not initialised (fleetlab_init)");
  return Answer(State().api->FrontierFinish(body, capacity, points));
}

// The JSON body of the last call's reply (UTF-8, NUL-terminated); valid until
// the next call.
EMSCRIPTEN_KEEPALIVE const char* fleetlab_reply() { return State().reply.c_str(); }

}  // extern "C"
