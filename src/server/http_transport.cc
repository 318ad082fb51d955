#include "server/http_transport.h"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <mutex>
#include <thread>
#include <unordered_set>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>
#include <microhttpd.h>

#include "fleetlab/util/huge_page_heap.h"
#include "server/api.h"
#include "server/job_queue.h"

namespace fleetlab::server {
namespace {

// One request on a connection, from its headers to its reply (MHD's
// per-request pointer; freed when MHD reports the request completed).
struct Exchange {
  MHD_Connection* connection = nullptr;
  std::string body;
  std::size_t discarded = 0;  // bytes past max_body_bytes, not kept
  bool too_large = false;
  bool ready = false;  // `reply` is final (set by a job before resuming)
  HttpResponse reply;
  std::atomic<bool> cancel{false};
  int fd = -1;
};

constexpr int kListenBacklog = 1024;
constexpr auto kPollInterval = std::chrono::milliseconds(50);

// True when the peer of a suspended connection has closed or reset it.
bool PeerGone(int fd) {
  char c;
  const ssize_t n = recv(fd, &c, 1, MSG_PEEK | MSG_DONTWAIT);
  return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR);
}

// MHD decodes %XX in place by default; the router decodes (and refuses)
// instead, so the path keeps its escapes here.
size_t KeepEscapes(void*, MHD_Connection*, char* s) { return std::strlen(s); }

MHD_Result CollectHeader(void* cls, MHD_ValueKind, const char* key, const char* value) {
  auto* headers = static_cast<std::vector<std::pair<std::string, std::string>>*>(cls);
  std::string name = key == nullptr ? "" : key;
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  headers->emplace_back(std::move(name), value == nullptr ? "" : value);
  return MHD_YES;
}

// The client's IP address as text ("" if not IPv4 or IPv6).
std::string AddressText(const sockaddr* a) {
  char text[INET6_ADDRSTRLEN] = {};
  if (a->sa_family == AF_INET) {
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(a)->sin_addr, text, sizeof(text));
  } else if (a->sa_family == AF_INET6) {
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(a)->sin6_addr, text, sizeof(text));
  }
  return text;
}

}  // namespace

struct HttpTransport::Impl {
  Impl(const Router& r, TransportOptions o) : router(r), options(std::move(o)), jobs(std::max(1u, options.workers), options.queue) {}

  const Router& router;
  TransportOptions options;
  JobQueue jobs;
  MHD_Daemon* daemon = nullptr;
  int listen_fd = -1;
  int port = 0;
  std::mutex inflight_mu;
  std::unordered_set<Exchange*> inflight;
  std::atomic<bool> stopping{false};
  std::thread poller;

  Status Listen();
  HttpResponse TooLarge() const;
  MHD_Result Access(MHD_Connection* c, const char* url, const char* method, const char* upload, size_t* upload_size,
                    void** state);
  MHD_Result Complete(MHD_Connection* c, const char* url, const char* method, Exchange* ex);
  MHD_Result Queue(MHD_Connection* c, const HttpResponse& res);
  void Defer(Exchange* ex);
  void Finish(Exchange* ex);
  void Poll();
};

namespace {

MHD_Result AccessThunk(void* cls, MHD_Connection* c, const char* url, const char* method, const char*,
                       const char* upload, size_t* upload_size, void** state) {
  try {
    return static_cast<HttpTransport::Impl*>(cls)->Access(c, url, method, upload, upload_size, state);
  } catch (...) {
    return MHD_NO;  // closes this connection; nothing else is affected
  }
}

void CompletedThunk(void*, MHD_Connection*, void** state, MHD_RequestTerminationCode) {
  delete static_cast<Exchange*>(*state);
  *state = nullptr;
}

}  // namespace

HttpResponse HttpTransport::Impl::TooLarge() const {
  HttpResponse res;
  SetSecurityHeaders(res);
  SendError(res, ApiError{413, "too_large", "", fmt::format("the request body is over this server's limit of {} "
                                                            "bytes", options.max_body_bytes)});
  return res;
}

MHD_Result HttpTransport::Impl::Queue(MHD_Connection* c, const HttpResponse& res) {
  MHD_Response* r = MHD_create_response_from_buffer(res.body.size(), const_cast<char*>(res.body.data()),
                                                    MHD_RESPMEM_MUST_COPY);
  if (r == nullptr) return MHD_NO;
  for (const auto& [name, value] : res.headers) MHD_add_response_header(r, name.c_str(), value.c_str());
  if (!res.content_type.empty()) MHD_add_response_header(r, "Content-Type", res.content_type.c_str());
  const MHD_DaemonInfo* info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_CURRENT_CONNECTIONS);
  if (info != nullptr && info->num_connections * 4 > options.max_connections * 3) {
    MHD_add_response_header(r, "Connection", "close");  // under pressure: no idle keep-alive
  }
  const MHD_Result queued = MHD_queue_response(c, static_cast<unsigned>(res.status), r);
  MHD_destroy_response(r);
  return queued;
}

MHD_Result HttpTransport::Impl::Access(MHD_Connection* c, const char* url, const char* method, const char* upload,
                                       size_t* upload_size, void** state) {
  auto* ex = static_cast<Exchange*>(*state);
  if (ex == nullptr) {
    *state = ex = new Exchange;
    ex->connection = c;
    const char* length = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    const bool too_large = length != nullptr && std::strtoull(length, nullptr, 10) > options.max_body_bytes;
    return too_large ? Queue(c, TooLarge()) : MHD_YES;  // refused before a byte of it is read
  }
  if (ex->ready) return Queue(c, ex->reply);
  if (*upload_size > 0) {
    const std::size_t room = ex->too_large ? 0 : options.max_body_bytes - std::min(options.max_body_bytes, ex->body.size());
    ex->body.append(upload, std::min(room, *upload_size));
    if (*upload_size > room) ex->too_large = true, ex->discarded += *upload_size - room;
    *upload_size = 0;
    return ex->discarded > 16 * options.max_body_bytes ? MHD_NO : MHD_YES;
  }
  return Complete(c, url, method, ex);
}

MHD_Result HttpTransport::Impl::Complete(MHD_Connection* c, const char* url, const char* method, Exchange* ex) {
  if (ex->too_large) return Queue(c, TooLarge());
  HttpRequest req;
  req.method = method == nullptr ? "" : method;
  req.raw_path = url == nullptr ? "" : url;
  req.body = std::move(ex->body);
  MHD_get_connection_values(c, MHD_HEADER_KIND, &CollectHeader, &req.headers);
  const MHD_ConnectionInfo* peer = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if (peer != nullptr && peer->client_addr != nullptr) req.remote = AddressText(peer->client_addr);
  ex->reply = router.Handle(std::move(req));
  if (!ex->reply.deferred) return Queue(c, ex->reply);
  const MHD_ConnectionInfo* fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
  ex->fd = fd == nullptr ? -1 : fd->connect_fd;
  MHD_suspend_connection(c);
  Defer(ex);
  return MHD_YES;
}

// REQUIRES: ex's connection is suspended. Resumes it once `reply` is final.
void HttpTransport::Impl::Defer(Exchange* ex) {
  {
    std::lock_guard lock(inflight_mu);
    inflight.insert(ex);
    if (stopping) ex->cancel = true;
  }
  const bool admitted = jobs.TrySubmit([this, ex] {
    Job job = std::move(ex->reply.deferred);
    ex->reply.deferred = nullptr;
    JobContext context{&ex->cancel};
    job(context, ex->reply);
    Finish(ex);
    ReturnFreeHeapMemory();  // after the reply: an idle server keeps no run's peak
  });
  if (!admitted) {
    Router::Busy(ex->reply);
    Finish(ex);
  }
}

void HttpTransport::Impl::Finish(Exchange* ex) {
  {
    std::lock_guard lock(inflight_mu);
    inflight.erase(ex);
  }
  ex->ready = true;
  MHD_resume_connection(ex->connection);
}

void HttpTransport::Impl::Poll() {
  while (!stopping) {
    std::this_thread::sleep_for(kPollInterval);
    std::lock_guard lock(inflight_mu);
    for (Exchange* ex : inflight) {
      if (ex->fd >= 0 && PeerGone(ex->fd)) ex->cancel = true;
    }
  }
}

Status HttpTransport::Impl::Listen() {
  addrinfo hints{}, *found = nullptr;
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  const std::string service = std::to_string(options.port);
  const std::string where = fmt::format("cannot listen on {}:{}", options.host, options.port);
  if (getaddrinfo(options.host.c_str(), service.c_str(), &hints, &found) != 0 || found == nullptr) {
    return Status::IoError(where + " (not an address of this machine)");
  }
  const int fd = socket(found->ai_family, found->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, found->ai_protocol);
  int yes = 1;
  const bool ok = fd >= 0 && setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes)) == 0 &&
                  bind(fd, found->ai_addr, found->ai_addrlen) == 0 && listen(fd, kListenBacklog) == 0;
  freeaddrinfo(found);
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (!ok || getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &length) != 0) {
    const std::string why = std::strerror(errno);
    if (fd >= 0) close(fd);
    return Status::IoError(fmt::format("{} ({})", where, why));
  }
  listen_fd = fd;
  port = ntohs(bound.ss_family == AF_INET6 ? reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port
                                           : reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  return Status::Ok();
}

HttpTransport::HttpTransport(const Router& router, TransportOptions options)
    : impl_(std::make_unique<Impl>(router, std::move(options))) {}

HttpTransport::~HttpTransport() { Stop(); }

Status HttpTransport::Start() {
  Impl& m = *impl_;
  const TransportOptions& o = m.options;
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < o.max_connections + 64) {
    return Status::InvalidArgument(fmt::format("--max-connections: {} connections need {} open files; this process "
                                               "may open {} (raise `ulimit -n` or lower --max-connections)",
                                               o.max_connections, o.max_connections + 64, files.rlim_cur));
  }
  FLEETLAB_RETURN_IF_ERROR(m.Listen());
  m.daemon = MHD_start_daemon(
      MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME, 0, nullptr, nullptr, &AccessThunk,
      &m, MHD_OPTION_LISTEN_SOCKET, m.listen_fd, MHD_OPTION_THREAD_POOL_SIZE, std::max(1u, o.io_threads),
      MHD_OPTION_CONNECTION_LIMIT, o.max_connections, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      o.max_connections_per_client, MHD_OPTION_CONNECTION_TIMEOUT, o.idle_timeout_s,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, static_cast<size_t>(64 * 1024), MHD_OPTION_UNESCAPE_CALLBACK, &KeepEscapes,
      nullptr, MHD_OPTION_NOTIFY_COMPLETED, &CompletedThunk, nullptr, MHD_OPTION_END);
  if (m.daemon == nullptr) {
    close(m.listen_fd);
    m.listen_fd = -1;
    return Status::IoError(fmt::format("cannot serve on {}:{} (the HTTP library refused to start)", o.host, m.port));
  }
  m.poller = std::thread([&m] { m.Poll(); });
  return Status::Ok();
}

void HttpTransport::Stop() {
  Impl& m = *impl_;
  if (m.daemon == nullptr) return;
  // No MHD_quiesce_daemon here: on an epoll daemon with worker threads it races the workers' own removal of the
  // listen socket and libmicrohttpd 0.9.75 aborts the process ("Failed to remove listen FD from epoll set").
  // A request that comes in while stopping is cancelled or refused as busy; MHD_stop_daemon closes the socket.
  {
    std::lock_guard lock(m.inflight_mu);
    m.stopping = true;
    for (Exchange* ex : m.inflight) ex->cancel = true;
  }
  m.jobs.Stop();  // every admitted job ends soon (cancelled) and resumes its connection
  m.poller.join();
  MHD_stop_daemon(m.daemon);
  m.daemon = nullptr;
  m.listen_fd = -1;
}

int HttpTransport::port() const { return impl_->port; }

}  // namespace fleetlab::server
