// fleetlab_loadtest: N concurrent clients drive the lab server's real API mix
// for a fixed time on loopback, then report throughput, P50/P99 response
// time, errors (anything but 200 and the pool's deliberate 503s), 503s and
// peak memory, and check the server still answers. Exit status 0 only if
// there were no errors and the server answered afterwards.
//
//   fleetlab_loadtest [--seconds 30] [--clients 100] [--workers 0] [--queue 8]
// LOADTEST_DEBUG=1 in the environment prints every error as it happens.
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <httplib.h>

#include "fleetlab/server/lab_server.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

using Clock = std::chrono::steady_clock;

struct Args {
  double seconds = 30;
  int clients = 100;
  unsigned workers = 0;
  std::size_t queue = 8;
};

struct ClientStats {
  std::vector<double> latency_ms;
  std::vector<double> light_ms;  // health, catalog, tracks, parts, memory: no worker needed
  std::uint64_t ok = 0, busy = 0, errors = 0;
  std::string first_error;
};

// One request of the mix (weights out of 20): health 4, catalog 2, tracks 2,
// a part 2, run 6 (random rate), memory 2, frontier 1, plan 1.
httplib::Result Send(httplib::Client& c, int slot, std::mt19937& rng) {
  const int part = 1 + static_cast<int>(rng() % 3);
  if (slot < 4) return c.Get("/api/v1/health");
  if (slot < 6) return c.Get("/api/v1/catalog");
  if (slot < 8) return c.Get("/api/v1/tracks");
  if (slot < 10) return c.Get(fmt::format("/api/v1/tracks/fixture-track/part{}", part).c_str());
  if (slot < 16) {
    const int rate = 10 + static_cast<int>(rng() % 80);
    return c.Post("/api/v1/run",
                  fmt::format(R"({{"track": "fixture-track", "part": "part{}", "series": {},
                                  "overrides": {{"workload.arrival.rate_per_s": {}}}}})",
                              part, slot == 15 ? "true" : "false", rate),
                  "application/json");
  }
  if (slot < 18) {
    const int tp = 2 << (rng() % 3);  // 2, 4, 8: the 141 GB of weights fit
    return c.Post("/api/v1/memory",
                  fmt::format(R"({{"model": "llama-3-70b", "gpu": "h100-sxm", "tp": {}, "context": 4096}})", tp),
                  "application/json");
  }
  if (slot < 19) {
    return c.Post("/api/v1/frontier", R"({"track": "fixture-track", "part": "part1", "requests": 1000,
                                          "rates": {"low": 10, "high": 90, "points": 5}})", "application/json");
  }
  return c.Post("/api/v1/plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 2, "prompt": 256, "output": 64})",
                "application/json");
}

void RunClient(int port, int id, Clock::time_point end, ClientStats* stats) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_read_timeout(60);
  std::mt19937 rng(static_cast<unsigned>(id) * 7919u + 1);
  for (int i = id; Clock::now() < end; ++i) {
    const auto start = Clock::now();
    auto res = Send(c, i % 20, rng);
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    stats->latency_ms.push_back(ms);
    const int slot = i % 20;
    if (slot < 10 || (slot >= 16 && slot < 18)) stats->light_ms.push_back(ms);
    if (res && res->status == 200) {
      ++stats->ok;
    } else if (res && res->status == 503 && res->has_header("Retry-After")) {
      ++stats->busy;
    } else {
      ++stats->errors;
      if (std::getenv("LOADTEST_DEBUG")) std::fprintf(stderr, "error client %d req %d slot %d after %.1f ms: %s\n", id, i - id, i % 20, ms, res ? std::to_string(res->status).c_str() : httplib::to_string(res.error()).c_str());
      if (stats->first_error.empty()) {
        stats->first_error = res ? fmt::format("slot {}: HTTP {}: {}", i % 20, res->status, res->body.substr(0, 200))
                                 : fmt::format("slot {}: {}", i % 20, httplib::to_string(res.error()));
      }
    }
  }
}

double Percentile(std::vector<double>& v, double q) {
  if (v.empty()) return 0;
  const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
  return v[k];
}

bool ParseArgs(int argc, char** argv, Args* a) {
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const double v = std::atof(argv[i + 1]);
    if (flag == "--seconds" && v > 0) a->seconds = v;
    else if (flag == "--clients" && v >= 1) a->clients = static_cast<int>(v);
    else if (flag == "--workers" && v >= 0) a->workers = static_cast<unsigned>(v);
    else if (flag == "--queue" && v >= 0) a->queue = static_cast<std::size_t>(v);
    else return false;
  }
  return argc % 2 == 1;
}

int Main(int argc, char** argv) {
  Args args;
  if (!ParseArgs(argc, argv, &args)) {
    std::fprintf(stderr, "usage: fleetlab_loadtest [--seconds S] [--clients N] [--workers N] [--queue N]\n");
    return 2;
  }
  const std::string dir = testing::MakeTempDir("loadtest");
  testing::WriteFixtureTracks(dir + "/tracks");
  LabServerOptions o;
  o.port = 0;
  o.tracks_dir = dir + "/tracks";
  o.workers = args.workers;
  o.queue = args.queue;
  auto server = LabServer::Create(o);
  if (!server.ok() || !(*server)->Start().ok()) {
    std::fprintf(stderr, "fleetlab_loadtest: cannot start the server\n");
    return 1;
  }
  const int port = (*server)->port();
  std::vector<ClientStats> stats(static_cast<std::size_t>(args.clients));
  std::vector<std::thread> threads;
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(args.seconds));
  for (int i = 0; i < args.clients; ++i) threads.emplace_back(RunClient, port, i, end, &stats[static_cast<std::size_t>(i)]);
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  ClientStats all;
  for (ClientStats& s : stats) {
    all.latency_ms.insert(all.latency_ms.end(), s.latency_ms.begin(), s.latency_ms.end());
    all.light_ms.insert(all.light_ms.end(), s.light_ms.begin(), s.light_ms.end());
    all.ok += s.ok;
    all.busy += s.busy;
    all.errors += s.errors;
    if (all.first_error.empty()) all.first_error = s.first_error;
  }
  httplib::Client after("127.0.0.1", port);
  auto health = after.Get("/api/v1/health");
  const bool alive = health && health->status == 200;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const std::size_t total = all.latency_ms.size();
  std::printf("fleetlab_loadtest: %d clients, %.1f s, workers %u, queue %zu, %u hardware threads\n", args.clients,
              elapsed, o.workers == 0 ? std::thread::hardware_concurrency() : o.workers, o.queue,
              std::thread::hardware_concurrency());
  std::printf("requests %zu (%.0f/s): ok %llu, busy 503 %llu, errors %llu\n", total, static_cast<double>(total) / elapsed,
              static_cast<unsigned long long>(all.ok), static_cast<unsigned long long>(all.busy),
              static_cast<unsigned long long>(all.errors));
  std::printf("response time ms: p50 %.2f, p99 %.2f, max %.2f\n", Percentile(all.latency_ms, 0.50),
              Percentile(all.latency_ms, 0.99), Percentile(all.latency_ms, 1.0));
  std::printf("light requests (%zu, no simulation) ms: p50 %.2f, p99 %.2f\n", all.light_ms.size(),
              Percentile(all.light_ms, 0.50), Percentile(all.light_ms, 0.99));
  std::printf("peak RSS (server and clients, one process): %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  std::printf("server answers afterwards: %s\n", alive ? "yes" : "NO");
  if (!all.first_error.empty()) std::printf("first error: %s\n", all.first_error.c_str());
  (*server)->Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return all.errors == 0 && alive && all.ok > 0 ? 0 : 1;
}

}  // namespace
}  // namespace fleetlab

int main(int argc, char** argv) { return fleetlab::Main(argc, argv); }
