// fleetlab_class_loadtest: a class of N simulated students on loopback
// join `fleetlab lab --class` (in this process) and send their ledger's
// events for S seconds, as the front end does (batches from a queue, kept
// and retried on any failure, Retry-After honoured), while the instructor's
// page polls the summary every second. Then: every event a student made
// must be in the database exactly once (lost = 0), and the final summary
// must agree with the database (counted with other queries than the
// store's). Prints events/s, write latency P50/P99, 429s and peak RSS.
//
//   fleetlab_class_loadtest [--seconds 60] [--students 60] [--think-ms 500] [--no-rate-limit]
// --think-ms: a student's mean pause between writes (uniform over 0.5x to
// 1.5x; 500 is a busy class). With --think-ms 0 --no-rate-limit it measures
// how many events the server can store.
#include <sys/resource.h>

#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <random>
#include <thread>

#include <fmt/format.h>
#include <httplib.h>

#include "fleetlab/server/lab_server.h"
#include "server/classroom/class_test_fixture.h"

namespace fleetlab::server {
namespace {

using Clock = std::chrono::steady_clock;
using nlohmann::json;

struct Stats {
  std::vector<double> write_ms;
  std::uint64_t made = 0, acked = 0, limited = 0, failed = 0, duplicates = 0;
  std::string first_failure;
};

// A random ledger event of student `n`'s k-th.
json MakeEvent(std::mt19937& rng, int k) {
  const int part = 1 + static_cast<int>(rng() % 3);
  const int kind = static_cast<int>(rng() % 4);
  json e = {{"id", fmt::format("e{}", k)}, {"track", "fixture-track"}, {"part", fmt::format("part{}", part)},
            {"at", "2025-01-01T10:00:00.000Z"}};
  const char* choice = rng() % 3 == 0 ? "linear" : "exponential";
  if (kind == 0) e.update({{"kind", "lock"}, {"choice", choice}});
  if (kind == 1) e.update({{"kind", "reveal"}, {"choice", "exponential"}, {"value", 0}, {"match", choice[0] == 'e'}});
  if (kind == 2 && part == 3) e.update({{"kind", "challenge"}, {"passed", rng() % 2 == 0}});
  if (kind == 3 || (kind == 2 && part != 3)) e.update({{"kind", "reflection"}, {"text", std::string(20 + rng() % 300, 'r')}});
  return e;
}

struct Args {
  double seconds = 60;
  int students = 60;
  int think_ms = 500;
  bool no_rate_limit = false;
};

void Student(int port, int n, const Args& args, Clock::time_point end, Clock::time_point drain_end, Stats* st) {
  httplib::Client c("127.0.0.1", port);
  c.set_keep_alive(true);
  c.set_read_timeout(10);
  // Without it the client's header and body writes meet Nagle's algorithm
  // and the server's delayed ACK: ~40 ms a POST that are not the server's.
  c.set_tcp_nodelay(true);
  std::mt19937 rng(1000u + static_cast<unsigned>(n));
  auto joined = c.Post("/api/v1/class/join", json{{"code", "load"}, {"nickname", fmt::format("student {}", n)}}.dump(),
                       "application/json");
  if (!joined || joined->status != 201) {
    st->first_failure = "join failed";
    ++st->failed;
    return;
  }
  const json who = json::parse(joined->body);
  std::deque<json> queue;
  int k = 0;
  while (Clock::now() < (queue.empty() ? end : drain_end)) {
    if (Clock::now() < end) {
      for (int i = 1 + static_cast<int>(rng() % 3); i > 0; --i, ++st->made) queue.push_back(MakeEvent(rng, k++));
    }
    json batch = json::array();
    for (std::size_t i = 0; i < queue.size() && i < 32; ++i) batch.push_back(queue[i]);
    const auto start = Clock::now();
    auto res = c.Post("/api/v1/class/events", json{{"code", "load"}, {"student", who["student"]}, {"key", who["key"]},
                                                   {"events", batch}}.dump(), "application/json");
    st->write_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    int wait_ms = args.think_ms / 2 + static_cast<int>(rng() % static_cast<unsigned>(args.think_ms + 1));
    if (res && res->status == 200) {
      st->acked += batch.size();
      st->duplicates += json::parse(res->body)["duplicates"].get<std::uint64_t>();
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(batch.size()));
    } else if (res && res->status == 429) {
      ++st->limited;
      wait_ms = 1000 * std::max(1, std::atoi(res->get_header_value("Retry-After").c_str()));
    } else {
      ++st->failed;
      if (st->first_failure.empty()) st->first_failure = res ? fmt::format("HTTP {}: {}", res->status, res->body) : httplib::to_string(res.error());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
}

// The instructor's page: the summary every second, conditional on its ETag.
void Instructor(int port, const std::string& token, std::atomic<bool>* stop, std::vector<double>* ms, int* full) {
  httplib::Client c("127.0.0.1", port);
  c.set_tcp_nodelay(true);
  std::string etag;
  while (!*stop) {
    httplib::Headers h = {{"Authorization", "Bearer " + token}};
    if (!etag.empty()) h.emplace("If-None-Match", etag);
    const auto start = Clock::now();
    auto res = c.Get("/api/v1/class/summary", h);
    ms->push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    if (res && res->status == 200) {
      etag = res->get_header_value("ETag");
      ++*full;
    }
    std::this_thread::sleep_for(std::chrono::seconds(1));
  }
}

std::int64_t Count(sqlite3* db, const std::string& sql) {
  sqlite3_stmt* st = nullptr;
  std::int64_t n = -1;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) n = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  return n;
}

// The summary's figures recounted in SQL, part by part; returns the mismatches.
int CheckSummary(const json& s, const std::string& db_path, std::uint64_t acked_unique) {
  sqlite3* db = nullptr;
  sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
  int bad = 0;
  auto expect = [&](const std::string& what, std::int64_t summary, std::int64_t sql) {
    if (summary != sql) std::printf("MISMATCH %s: summary %lld, database %lld\n", what.c_str(), (long long)summary, (long long)sql), ++bad;
  };
  expect("events", s["events"], Count(db, "SELECT count(*) FROM events"));
  expect("events acknowledged", static_cast<std::int64_t>(acked_unique), Count(db, "SELECT count(*) FROM events"));
  expect("students", s["students"], Count(db, "SELECT count(*) FROM students"));
  for (const json& p : s["parts"]) {
    const std::string where = fmt::format("track = '{}' AND part = '{}'", p["track"].get<std::string>(), p["part"].get<std::string>());
    const std::string latest = fmt::format("FROM events e WHERE {} AND kind = '{{}}' AND id = (SELECT max(id) FROM events "
                                           "x WHERE x.student = e.student AND x.track = e.track AND x.part = e.part "
                                           "AND x.kind = e.kind)", where);
    auto latest_of = [&](const char* kind) { return fmt::format(fmt::runtime(latest), kind); };
    const std::string id = p["part"];
    expect(id + " locks", p["locks"]["students"], Count(db, fmt::format("SELECT count(DISTINCT student) FROM events WHERE {} AND kind = 'lock'", where)));
    expect(id + " locks exponential", p["locks"]["counts"][1], Count(db, "SELECT count(*) " + latest_of("lock") + " AND choice = 'exponential'"));
    expect(id + " reveals matched", p["reveals"]["matched"], Count(db, "SELECT count(*) " + latest_of("reveal") + " AND flag = 1"));
    expect(id + " challenges", p["challenge"]["students"], Count(db, fmt::format("SELECT count(DISTINCT student) FROM events WHERE {} AND kind = 'challenge'", where)));
    expect(id + " challenges passed", p["challenge"]["passed"], Count(db, "SELECT count(*) " + latest_of("challenge") + " AND flag = 1"));
    expect(id + " reflections", static_cast<std::int64_t>(p["reflections"].size()), Count(db, fmt::format("SELECT count(DISTINCT student) FROM events WHERE {} AND kind = 'reflection'", where)));
  }
  sqlite3_close(db);
  return bad;
}

double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[static_cast<std::size_t>(q * static_cast<double>(v.size() - 1))];
}

int Main(int argc, char** argv) {
  Args args;
  for (int i = 1; i < argc; ++i) {
    const std::string flag = argv[i];
    const bool value = i + 1 < argc;
    if (flag == "--seconds" && value) args.seconds = std::atof(argv[++i]);
    else if (flag == "--students" && value) args.students = std::max(1, std::atoi(argv[++i]));
    else if (flag == "--think-ms" && value) args.think_ms = std::max(0, std::atoi(argv[++i]));
    else if (flag == "--no-rate-limit") args.no_rate_limit = true;
    else return std::fprintf(stderr, "usage: fleetlab_class_loadtest [--seconds S] [--students N] [--think-ms MS] [--no-rate-limit]\n"), 2;
  }
  const double seconds = args.seconds;
  const int students = args.students;
  const std::string dir = fleetlab::testing::MakeTempDir("classload");
  testing::WriteClassFixtureTracks(dir + "/tracks");
  LabServerOptions o;
  o.port = 0;
  o.tracks_dir = dir + "/tracks";
  o.workers = 1;
  o.classroom.code = "load";
  o.classroom.db_path = dir + "/class.db";
  o.classroom.bounds.max_students = static_cast<std::size_t>(students);
  if (args.no_rate_limit) {  // a capacity measurement: no bound but the server's speed
    o.classroom.bounds.max_events_per_student = 1'000'000'000;
    o.classroom.bounds.student_writes_per_s = o.classroom.bounds.client_writes_per_s = 1e9;
    o.classroom.bounds.student_burst = o.classroom.bounds.client_burst = 1e9;
  }
  auto server = LabServer::Create(o);
  if (!server.ok() || !(*server)->Start().ok()) return std::fprintf(stderr, "cannot start the server\n"), 1;
  const int port = (*server)->port();
  std::vector<Stats> stats(static_cast<std::size_t>(students));
  std::vector<double> summary_ms;
  int summaries = 0;
  std::atomic<bool> stop{false};
  std::thread instructor(Instructor, port, (*server)->instructor_token(), &stop, &summary_ms, &summaries);
  const auto start = Clock::now();
  const auto end = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  std::vector<std::thread> threads;
  for (int n = 0; n < students; ++n) threads.emplace_back(Student, port, n, std::cref(args), end, end + std::chrono::seconds(10), &stats[static_cast<std::size_t>(n)]);
  for (auto& t : threads) t.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  stop = true;
  instructor.join();

  Stats all;
  for (Stats& s : stats) {
    all.write_ms.insert(all.write_ms.end(), s.write_ms.begin(), s.write_ms.end());
    all.made += s.made, all.acked += s.acked, all.limited += s.limited, all.failed += s.failed, all.duplicates += s.duplicates;
    if (all.first_failure.empty()) all.first_failure = s.first_failure;
  }
  httplib::Client c("127.0.0.1", port);
  auto final_summary = c.Get("/api/v1/class/summary", {{"Authorization", "Bearer " + (*server)->instructor_token()}});
  const json s = final_summary && final_summary->status == 200 ? json::parse(final_summary->body) : json::object();
  const std::uint64_t unique = all.acked - all.duplicates;
  const int mismatches = s.empty() ? 1 : CheckSummary(s, o.classroom.db_path, unique);
  const std::uint64_t lost = all.made - unique;
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  std::printf("fleetlab_class_loadtest: %d students, %.1f s (writes for %.0f s), a write every %d ms on average per "
              "student, rate limits %s, %u hardware threads\n", students, elapsed, seconds, args.think_ms,
              args.no_rate_limit ? "off" : "on", std::thread::hardware_concurrency());
  std::printf("events made %llu, acknowledged %llu (%.0f/s over the writing time), lost %llu, failed writes %llu, "
              "rate-limited 429 %llu\n", (unsigned long long)all.made, (unsigned long long)unique,
              static_cast<double>(unique) / seconds, (unsigned long long)lost, (unsigned long long)all.failed,
              (unsigned long long)all.limited);
  std::printf("write requests %zu (%.0f/s): latency ms p50 %.2f, p99 %.2f, max %.2f\n", all.write_ms.size(),
              static_cast<double>(all.write_ms.size()) / seconds, Percentile(all.write_ms, 0.5),
              Percentile(all.write_ms, 0.99), Percentile(all.write_ms, 1.0));
  std::printf("instructor summaries %zu (%d full, the rest 304): latency ms p50 %.2f, p99 %.2f; final summary %zu bytes\n",
              summary_ms.size(), summaries, Percentile(summary_ms, 0.5), Percentile(summary_ms, 0.99),
              final_summary ? final_summary->body.size() : 0);
  std::printf("summary vs database: %s\n", mismatches == 0 ? "consistent" : "MISMATCHED");
  std::printf("peak RSS (server and students, one process): %.1f MB\n", static_cast<double>(usage.ru_maxrss) / 1024.0);
  if (!all.first_failure.empty()) std::printf("first failure: %s\n", all.first_failure.c_str());
  (*server)->Stop();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return lost == 0 && all.failed == 0 && mismatches == 0 && unique > 0 ? 0 : 1;
}

}  // namespace
}  // namespace fleetlab::server

int main(int argc, char** argv) { return fleetlab::server::Main(argc, argv); }
