#include "cli/lab_command.h"

#include <csignal>

#include <sys/resource.h>
#include <memory>

#include "fleetlab/server/lab_server.h"
#include "fleetlab/tracks/tracks.h"
#include "fleetlab/util/share_dir.h"

namespace fleetlab::cli {
namespace {

// Every connection holds a file descriptor: the soft limit is raised to the
// hard one so that --max-connections can be honoured.
void RaiseOpenFileLimit() {
  rlimit files{};
  if (getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < files.rlim_max) {
    files.rlim_cur = files.rlim_max;
    setrlimit(RLIMIT_NOFILE, &files);
  }
}

// How students join and where the instructor's page is. The token goes in
// the link's fragment (after #): browsers never send a fragment to a
// server, so it reaches no access log; the page moves it to the
// Authorization header.
void PrintClass(CommandContext& ctx, const LabServer& server, const std::string& code, const std::string& host) {
  // Bound to every interface: the link is for this machine's own browser.
  const bool any = host == "0.0.0.0" || host == "::";
  const std::string url = any ? "http://127.0.0.1:" + std::to_string(server.port()) : server.url();
  ctx.out << "fleetlab lab: class \"" << code << "\": students open the lab, choose \"Join a class\" and enter the code "
          << code << "\n"
          << "fleetlab lab: instructor page (keep this link to yourself): " << url
          << "/instructor.html#token=" << server.instructor_token() << std::endl;
}

void Serve(CommandContext& ctx, LabServerOptions options) {
  const std::string class_code = options.classroom.code, host = options.host;
  options.answer = &AnswerPart;
  RaiseOpenFileLimit();
  // The server's threads inherit this mask, so the signals reach sigwait.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto server = LabServer::Create(std::move(options));
  if (!server.ok()) {
    ctx.err << "fleetlab: " << server.status().message() << "\n";
    ctx.exit_code = 2;
    return;
  }
  if (Status s = (*server)->Start(); !s.ok()) {
    ctx.err << "fleetlab: " << s.message() << "\n";
    ctx.exit_code = 2;
    return;
  }
  ctx.out << "fleetlab lab: serving " << (*server)->url() << "  (Ctrl-C stops it)" << std::endl;
  if (!class_code.empty()) PrintClass(ctx, **server, class_code, host);
  int received = 0;
  sigwait(&signals, &received);
  ctx.out << "fleetlab lab: stopping" << std::endl;
  (*server)->Stop();
}

void AddClassFlags(CLI::App* cmd, ClassroomOptions& c) {
  cmd->add_option("--class", c.code, "Keep a class: students join with this code (3-32 of A-Z a-z 0-9 _ -) and "
                                     "their predictions, reveals, challenge results and reflections go to a SQLite "
                                     "file; prints the instructor page's link.");
  cmd->add_option("--class-db", c.db_path, "The class's SQLite file (default: CODE.fleetlab-class.db here); "
                                           "reopening it continues the class.");
  cmd->add_option("--class-origin", c.site_origin, "The origin of the static lab site whose pages may send to this "
                                                   "class (e.g. https://lab.example); no other site may.");
  cmd->add_option("--class-max-students", c.bounds.max_students, "Students who may join the class.")
      ->check(CLI::Range(std::size_t{1}, std::size_t{100000}))->capture_default_str();
  cmd->add_flag("--class-fsync", c.fsync_each_write, "Flush the class database to disk at every write, so that "
                                                     "acknowledged events survive a power cut (not only a crash).");
}

}  // namespace

void AddLabCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("lab", "Serve the lab: the front end and the JSON API (docs/api.md) on "
                                        "http://127.0.0.1:8080.");
  auto o = std::make_shared<LabServerOptions>();
  o->static_dir = ShareDirectory() + "/web/dist";
  cmd->add_option("--host", o->host, "Interface to bind; 0.0.0.0 makes the lab reachable from other machines.")
      ->capture_default_str();
  cmd->add_option("--port", o->port, "TCP port (0: any free port).")->check(CLI::Range(0, 65535))->capture_default_str();
  cmd->add_option("--static", o->static_dir, "The built front end to serve at /.")->capture_default_str();
  cmd->add_option("--tracks", o->tracks_dir, "Tracks folder (default: the shipped tracks/, the source tree's or, when "
                                             "installed, share/fleetlab's).");
  cmd->add_option("--traces", o->traces_dir, "A folder of *.csv arrival traces requests may name (by file name "
                                             "without .csv); read once at start-up.");
  cmd->add_option("--workers", o->workers, "Simulations at once (0: one per hardware thread).")
      ->check(CLI::Range(0u, 1024u))->capture_default_str();
  cmd->add_option("--queue", o->queue, "Heavy requests allowed to wait for a worker; beyond that, 503.")
      ->check(CLI::Range(std::size_t{0}, std::size_t{10000}))->capture_default_str();
  cmd->add_option("--max-body", o->max_body_bytes, "Largest request body in bytes; larger ones get 413.")
      ->check(CLI::Range(std::size_t{1024}, std::size_t{64} << 20))->capture_default_str();
  cmd->add_option("--wall-limit", o->bounds.max_wall_s, "Wall-time limit of one request's simulations, s.")
      ->check(CLI::Range(0.01, 3600.0))->capture_default_str();
  cmd->add_option("--allow-host", o->allowed_hosts, "A host name students may use in the address (repeatable); IP "
                                                    "addresses and localhost are always allowed.");
  cmd->add_option("--max-connections", o->max_connections, "Connections open at once.")
      ->check(CLI::Range(16u, 65536u))->capture_default_str();
  cmd->add_option("--max-connections-per-client", o->max_connections_per_client,
                  "Connections open at once from one client address (raise it for a class behind one NAT).")
      ->check(CLI::Range(1u, 65536u))->capture_default_str();
  cmd->add_option("--idle-timeout", o->idle_timeout_s, "Seconds a silent connection is kept open.")
      ->check(CLI::Range(1u, 3600u))->capture_default_str();
  AddClassFlags(cmd, o->classroom);
  cmd->callback([&ctx, o] { Serve(ctx, *o); });
}

}  // namespace fleetlab::cli
