// `fleetlab lab --class` killed with SIGKILL while 16 students write: every
// event the server acknowledged before the kill is in the database
// afterwards, and a restarted server serves them.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include "server/classroom/class_store.h"
#include "server/classroom/class_test_fixture.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

struct Child {
  pid_t pid = -1;
  int port = 0;
  std::string token;
};

// Starts `fleetlab lab --class kill9` on a free port and reads its address
// and the instructor's token from what it prints.
Child StartLab(const char* bin, const std::string& dir) {
  int out[2];
  if (pipe(out) != 0) return {};
  const std::string tracks = dir + "/tracks", statics = dir + "/none", db = dir + "/class.db";
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(bin, bin, "lab", "--port", "0", "--tracks", tracks.c_str(), "--static", statics.c_str(), "--class", "kill9",
          "--class-db", db.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  Child c{pid, 0, ""};
  FILE* stream = fdopen(out[0], "r");
  char line[512];
  while (c.token.empty() && std::fgets(line, sizeof(line), stream) != nullptr) {
    const std::string text = line;
    const std::string serving = "serving http://127.0.0.1:", token = "#token=";
    if (const auto at = text.find(serving); at != std::string::npos) c.port = std::atoi(text.c_str() + at + serving.size());
    if (const auto at = text.find(token); at != std::string::npos) {
      c.token = text.substr(at + token.size());
      while (!c.token.empty() && std::isspace(static_cast<unsigned char>(c.token.back()))) c.token.pop_back();
    }
  }
  fclose(stream);  // the child's later output goes to a closed pipe: it prints nothing more
  return c;
}

// One student writing batches of 4 events until the server stops answering.
void Write(int port, int n, std::atomic<bool>* stop, std::mutex* mu, std::set<std::string>* acked) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5);
  auto joined = client.Post("/api/v1/class/join", json{{"code", "kill9"}, {"nickname", fmt::format("s{}", n)}}.dump(),
                            "application/json");
  if (!joined || joined->status != 201) return;
  const json who = json::parse(joined->body);
  for (int batch = 0; !*stop;) {
    json events = json::array();
    std::vector<std::string> ids;
    for (int i = 0; i < 4; ++i) {
      ids.push_back(fmt::format("b{}-{}", batch, i));
      events.push_back({{"id", ids.back()}, {"track", "fixture-track"}, {"part", "part1"}, {"kind", "reflection"},
                        {"text", fmt::format("student {} batch {} event {}", n, batch, i)}});
    }
    auto res = client.Post("/api/v1/class/events", json{{"code", "kill9"}, {"student", who["student"]},
                                                        {"key", who["key"]}, {"events", events}}.dump(),
                           "application/json");
    if (!res) return;  // the server is gone
    if (res->status == 200) {
      std::lock_guard lock(*mu);
      for (const auto& id : ids) acked->insert(fmt::format("{}/{}", who["student"].get<std::int64_t>(), id));
      ++batch;
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(res->status == 429 ? 100 : 10));
    }
  }
}

constexpr int kStudents = 16;

TEST(ClassKillTest, EventsAcknowledgedBeforeAKill9AreAllInTheDatabase) {
  const char* bin = std::getenv("FLEETLAB_BIN");
  if (bin == nullptr) GTEST_SKIP() << "FLEETLAB_BIN is set by ctest";
  const std::string dir = fleetlab::testing::MakeTempDir("classkill");
  testing::WriteClassFixtureTracks(dir + "/tracks");
  Child lab = StartLab(bin, dir);
  ASSERT_GT(lab.port, 0);
  ASSERT_FALSE(lab.token.empty());
  std::atomic<bool> stop{false};
  std::mutex mu;
  std::set<std::string> acked;
  std::vector<std::thread> students;
  for (int n = 0; n < kStudents; ++n) students.emplace_back(Write, lab.port, n, &stop, &mu, &acked);
  // Killed while every student is still within its burst of 20 writes (so
  // writes are in flight, none waiting out a 429): after 300 acknowledged
  // events of the 1,280 the bursts allow.
  for (auto until = std::chrono::steady_clock::now() + std::chrono::seconds(20);
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(std::chrono::milliseconds(2))) {
    std::lock_guard lock(mu);
    if (acked.size() >= 300) break;
  }
  ASSERT_EQ(kill(lab.pid, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(lab.pid, &status, 0), lab.pid);
  EXPECT_TRUE(WIFSIGNALED(status));
  stop = true;
  for (auto& t : students) t.join();
  ASSERT_GE(acked.size(), 300u) << "the students wrote too little before the kill to test anything";

  {
    auto store = ClassStore::Open(dir + "/class.db", "kill9", false);
    ASSERT_TRUE(store.ok()) << store.status().message();
    auto snap = (*store)->Snapshot(true);
    ASSERT_TRUE(snap.ok());
    std::set<std::string> stored;
    for (const StoredEvent& e : snap->events) stored.insert(fmt::format("{}/{}", e.student, e.event.client_id));
    std::size_t missing = 0;
    for (const auto& id : acked) missing += stored.count(id) == 0;
    EXPECT_EQ(missing, 0u) << "of " << acked.size() << " acknowledged events";
    std::printf("acknowledged before the kill %zu, in the database after it %zu\n", acked.size(), stored.size());
    EXPECT_GE(stored.size(), acked.size());  // a write in flight at the kill may be stored unacknowledged
  }

  Child again = StartLab(bin, dir);  // the same database, after the kill
  ASSERT_GT(again.port, 0);
  httplib::Client client("127.0.0.1", again.port);
  auto summary = client.Get("/api/v1/class/summary", {{"Authorization", "Bearer " + again.token}});
  ASSERT_TRUE(summary);
  ASSERT_EQ(summary->status, 200) << summary->body;
  const json s = json::parse(summary->body);
  EXPECT_EQ(s["students"], kStudents);
  EXPECT_GE(s["events"].get<std::size_t>(), acked.size());
  kill(again.pid, SIGTERM);
  waitpid(again.pid, &status, 0);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

}  // namespace
}  // namespace fleetlab::server
