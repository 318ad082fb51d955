#include "fleetlab/server/lab_server.h"

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <sys/socket.h>

#include <fmt/format.h>
#include <httplib.h>

#include "server/context.h"

namespace fleetlab {
namespace {

using server::ServerContext;

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

// Empty error replies get the documented shape (JSON under /api, text
// elsewhere); replies a route already filled are left alone.
httplib::Server::HandlerResponse ErrorPage(const httplib::Request& req, httplib::Response& res) {
  // A route's reply has a body or (sent uncompressed, see api.cc) a content
  // provider, and a Content-Type either way.
  if (!res.body.empty() || res.has_header("Content-Type")) return httplib::Server::HandlerResponse::Unhandled;
  server::ApiError e{res.status, "not_found", "", fmt::format("{}: no such path", req.path)};
  if (res.status == 413) e = {413, "too_large", "", "the request body is over this server's limit"};
  if (res.status == 400) e = {400, "invalid_field", "", "malformed request (its path or headers)"};
  if (res.status == 405) e = {405, "not_found", "", fmt::format("{} {}: method not allowed", req.method, req.path)};
  if (res.status >= 500) e = {res.status, "internal", "", "internal error"};
  server::SendError(res, e);
  res.status = e.status;
  return httplib::Server::HandlerResponse::Handled;
}

// httplib 0.11 listens with a backlog of 5; a classroom connecting at once
// overflows it (connections reset). The socket is kept here to raise it.
constexpr int kListenBacklog = 1024;

void Configure(httplib::Server& http, ServerContext& ctx, std::atomic<int>* listen_socket) {
  const LabServerOptions& o = ctx.options;
  const unsigned threads = std::max(1u, o.http_threads);
  http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http.set_payload_max_length(o.max_body_bytes);
  // SO_REUSEADDR without httplib's default SO_REUSEPORT: a second server on
  // a port in use fails to bind instead of silently sharing it.
  http.set_socket_options([listen_socket](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    listen_socket->store(sock);
  });
  http.set_keep_alive_max_count(20);
  http.set_keep_alive_timeout(5);
  http.set_read_timeout(10);
  http.set_write_timeout(10);
  http.set_error_handler(httplib::Server::HandlerWithResponse(ErrorPage));
  http.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
    server::SendError(res, server::ApiError{500, "internal", "", "internal error"});
  });
  server::AddCatalogRoutes(http, ctx);
  server::AddTrackRoutes(http, ctx);
  server::AddRunRoutes(http, ctx);
  server::AddFrontierRoutes(http, ctx);
  server::AddAnswerRoutes(http, ctx);
  server::AddPlanRoutes(http, ctx);
  if (HasIndex(o.static_dir)) {
    // httplib serves only paths inside the folder (it refuses ".." segments,
    // also when percent-encoded) and maps "/" to index.html.
    http.set_mount_point("/", o.static_dir);
  } else {
    http.Get("/", [](const httplib::Request&, httplib::Response& res) { res.set_content(kNotBuiltPage, "text/html"); });
  }
}

}  // namespace

struct LabServer::Impl {
  explicit Impl(std::unique_ptr<ServerContext> c) : ctx(std::move(c)) { Configure(http, *ctx, &listen_socket); }
  std::unique_ptr<ServerContext> ctx;
  std::atomic<int> listen_socket{-1};
  httplib::Server http;
  std::thread thread;
  std::atomic<bool> done{false};
  int port = 0;
};

LabServer::LabServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LabServer::~LabServer() { Stop(); }

Result<std::unique_ptr<LabServer>> LabServer::Create(LabServerOptions options) {
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
  auto ctx = std::make_unique<ServerContext>(std::move(options), std::move(catalog).value(), std::move(tracks));
  return std::unique_ptr<LabServer>(new LabServer(std::make_unique<Impl>(std::move(ctx))));
}

Status LabServer::Start() {
  const LabServerOptions& o = impl_->ctx->options;
  if (o.port < 0 || o.port > 65535) return Status::InvalidArgument(fmt::format("--port: must be 0..65535 (got {})", o.port));
  if (o.port == 0) {
    impl_->port = impl_->http.bind_to_any_port(o.host);
  } else {
    impl_->port = impl_->http.bind_to_port(o.host, o.port) ? o.port : -1;
  }
  if (impl_->port <= 0) {
    return Status::IoError(fmt::format("cannot listen on {}:{} (in use, or not an address of this machine)", o.host,
                                       o.port));
  }
  // Raises the backlog of the socket bind_to_port made (listen() again on a
  // listening socket only changes its backlog).
  if (impl_->listen_socket >= 0) ::listen(impl_->listen_socket, kListenBacklog);
  impl_->thread = std::thread([this] {
    impl_->http.listen_after_bind();
    impl_->done = true;
  });
  return Status::Ok();
}

void LabServer::Stop() {
  if (!impl_->thread.joinable()) return;
  // stop() only reaches a server that is already listening.
  while (!impl_->http.is_running() && !impl_->done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  impl_->http.stop();
  impl_->thread.join();
}

int LabServer::port() const { return impl_->port; }

std::string LabServer::url() const { return fmt::format("http://{}:{}", impl_->ctx->options.host, impl_->port); }

}  // namespace fleetlab
