#include "fleetlab/server/lab_server.h"

#include <fmt/format.h>

#include "server/classroom/classroom.h"
#include "server/http_transport.h"
#include "server/lab_app.h"

namespace fleetlab {
namespace {

server::TransportOptions TransportFor(const LabServerOptions& o) {
  server::TransportOptions t;
  t.host = o.host;
  t.port = o.port;
  t.max_body_bytes = o.max_body_bytes;
  t.workers = o.workers;
  t.queue = o.queue;
  t.max_connections = o.max_connections;
  t.max_connections_per_client = o.max_connections_per_client;
  t.idle_timeout_s = o.idle_timeout_s;
  return t;
}

}  // namespace

struct LabServer::Impl {
  explicit Impl(std::unique_ptr<server::LabApp> a)
      : app(std::move(a)), transport(app->router, TransportFor(app->ctx->options)) {}
  std::unique_ptr<server::LabApp> app;
  server::HttpTransport transport;
};

LabServer::LabServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

LabServer::~LabServer() { Stop(); }

Result<std::unique_ptr<LabServer>> LabServer::Create(LabServerOptions options) {
  auto app = server::MakeLabApp(std::move(options));
  if (!app.ok()) return app.status();
  return std::unique_ptr<LabServer>(new LabServer(std::make_unique<Impl>(std::move(app).value())));
}

Status LabServer::Start() {
  const LabServerOptions& o = impl_->app->ctx->options;
  if (o.port < 0 || o.port > 65535) return Status::InvalidArgument(fmt::format("--port: must be 0..65535 (got {})", o.port));
  FLEETLAB_RETURN_IF_ERROR(impl_->transport.Start());
  return Status::Ok();
}

void LabServer::Stop() { impl_->transport.Stop(); }

int LabServer::port() const { return impl_->transport.port(); }

std::string LabServer::url() const {
  const std::string& host = impl_->app->ctx->options.host;
  const bool v6 = host.find(':') != std::string::npos;
  return fmt::format("http://{}{}{}:{}", v6 ? "[" : "", host, v6 ? "]" : "", port());
}

std::string LabServer::instructor_token() const {
  const auto& c = impl_->app->ctx->classroom;
  return c ? c->token : "";
}

}  // namespace fleetlab
