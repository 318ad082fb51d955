#include "server/lab_app.h"

#include <filesystem>
#include <thread>

#include <fmt/format.h>

#include "fleetlab/util/file.h"
#include "server/classroom/classroom.h"

namespace fleetlab::server {
namespace {

constexpr const char* kNotBuiltPage = R"(<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>fleetlab lab</title></head>
<body><h1>fleetlab lab</h1>
<p>The front end is not built. Build it with <code>make lab</code> (or <code>cd web &amp;&amp; npm ci &amp;&amp;
npm run build</code>), then reload this page; or start the server with <code>--static DIR</code>.</p>
<p>The JSON API is running: try <a href="/api/v1/health">/api/v1/health</a> (documented in docs/api.md).</p>
</body></html>
)";

bool HasIndex(const std::string& dir) {
  std::error_code ec;
  return !dir.empty() && std::filesystem::is_regular_file(std::filesystem::path(dir) / "index.html", ec);
}

constexpr std::size_t kMaxTraces = 64;
constexpr std::uintmax_t kMaxTraceBytes = 64u << 20;

// Every *.csv directly in `dir`, by file name without the extension.
Result<std::map<std::string, std::string>> ReadTraces(const std::string& dir) {
  std::map<std::string, std::string> out;
  if (dir.empty()) return out;
  std::error_code ec;
  std::filesystem::directory_iterator it(dir, ec), end;
  if (ec) return Status::NotFound(fmt::format("--traces {}: not a readable folder", dir));
  for (; it != end; it.increment(ec)) {
    const auto& p = it->path();
    if (p.extension() != ".csv" || !it->is_regular_file(ec)) continue;
    if (out.size() == kMaxTraces || it->file_size(ec) > kMaxTraceBytes) {
      return Status::OutOfRange(fmt::format("--traces {}: at most {} traces of {} MiB each", dir, kMaxTraces,
                                            kMaxTraceBytes >> 20));
    }
    auto text = ReadTextFile(p.string(), "trace");
    if (!text.ok()) return text.status();
    out[p.stem().string()] = std::move(text).value();
  }
  return out;
}

}  // namespace

LabApp::LabApp(std::unique_ptr<ServerContext> c) : ctx(std::move(c)), router(GuardOptions{ctx->options.allowed_hosts}) {
  AddApiRoutes(router, *ctx);
  AddPlannerRoutes(router, *ctx);  // sweeps and sizing: not in the WebAssembly engine (no src/sweep/ there)
  if (ctx->classroom) AddClassRoutes(router, *ctx);  // sockets-side state: not in AddApiRoutes (the WebAssembly engine)
  if (HasIndex(ctx->options.static_dir)) {
    files = std::make_unique<StaticFiles>(ctx->options.static_dir);
    router.SetFallback([this](const HttpRequest& req, HttpResponse& res) { files->Serve(req, res); });
  } else {
    router.Add("GET", "/", [](const HttpRequest&, HttpResponse& res) {
      res.content_type = "text/html; charset=utf-8";
      res.body = kNotBuiltPage;
    });
  }
}

Result<std::unique_ptr<LabApp>> MakeLabApp(LabServerOptions options) {
  if (options.workers == 0) options.workers = std::max(1u, std::thread::hardware_concurrency());
  auto catalog = Catalog::LoadDefault();
  if (!catalog.ok()) return catalog.status().WithContext("catalog");
  const std::string dir = options.tracks_dir.empty() ? DefaultTracksDir() : options.tracks_dir;
  std::vector<Track> tracks;
  std::error_code ec;
  if (std::filesystem::is_directory(dir, ec)) {
    auto loaded = LoadTracks(dir);
    if (!loaded.ok()) return loaded.status();
    tracks = std::move(loaded).value();
  }
  auto traces = ReadTraces(options.traces_dir);
  if (!traces.ok()) return traces.status();
  std::shared_ptr<Classroom> classroom;
  if (!options.classroom.code.empty()) {
    auto opened = OpenClassroom(options.classroom);
    if (!opened.ok()) return opened.status();
    classroom = std::move(opened).value();
  }
  auto ctx = std::make_unique<ServerContext>(std::move(options), std::move(catalog).value(), std::move(tracks),
                                             std::move(traces).value());
  ctx->classroom = std::move(classroom);
  return std::make_unique<LabApp>(std::move(ctx));
}

}  // namespace fleetlab::server
