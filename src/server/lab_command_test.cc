// `fleetlab lab` as a process: it prints its address, serves, and stops
// cleanly on SIGTERM; a port in use exits 2 with the reason.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include <gtest/gtest.h>
#include <httplib.h>

#include "fleetlab/server/lab_server.h"
#include "server/server_test_util.h"

namespace fleetlab {
namespace {

TEST(LabCommandTest, PrintsTheAddressServesAndStopsOnSigterm) {
  const char* bin = std::getenv("FLEETLAB_BIN");
  if (bin == nullptr) GTEST_SKIP() << "FLEETLAB_BIN is set by ctest";
  const std::string dir = testing::MakeTempDir("labcmd");
  testing::WriteFixtureTracks(dir + "/tracks");
  const std::string tracks = dir + "/tracks", statics = dir + "/none";
  int out[2];
  ASSERT_EQ(pipe(out), 0);
  const pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    close(out[0]);
    execl(bin, bin, "lab", "--port", "0", "--tracks", tracks.c_str(), "--static", statics.c_str(),
          static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  FILE* stream = fdopen(out[0], "r");
  char line[256] = {};
  ASSERT_NE(fgets(line, sizeof(line), stream), nullptr);
  const std::string prefix = "fleetlab lab: serving http://127.0.0.1:";
  const std::string text = line;
  ASSERT_EQ(text.rfind(prefix, 0), 0u) << text;  // loopback unless told otherwise
  const int port = std::atoi(text.c_str() + prefix.size());
  ASSERT_GT(port, 0);
  httplib::Client client("127.0.0.1", port);
  auto health = client.Get("/api/v1/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  auto root = client.Get("/");
  ASSERT_TRUE(root);
  EXPECT_NE(root->body.find("not built"), std::string::npos);
  auto tracks_reply = client.Get("/api/v1/tracks");
  ASSERT_TRUE(tracks_reply);
  EXPECT_NE(tracks_reply->body.find("fixture-track"), std::string::npos);
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  fclose(stream);
}

TEST(LabCommandTest, APortInUseExits2WithTheReason) {
  const char* bin = std::getenv("FLEETLAB_BIN");
  if (bin == nullptr) GTEST_SKIP() << "FLEETLAB_BIN is set by ctest";
  const std::string dir = testing::MakeTempDir("labcmd");
  LabServerOptions o;
  o.port = 0;
  o.tracks_dir = dir + "/none";
  auto server = LabServer::Create(o);
  ASSERT_TRUE(server.ok());
  ASSERT_TRUE((*server)->Start().ok());
  const std::string err = dir + "/err.txt";
  const std::string cmd = std::string(bin) + " lab --port " + std::to_string((*server)->port()) + " --tracks " +
                          dir + "/none 2>" + err + " >/dev/null";
  const int status = std::system(cmd.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 2);
  FILE* f = std::fopen(err.c_str(), "r");
  ASSERT_NE(f, nullptr);
  char line[512] = {};
  ASSERT_NE(std::fgets(line, sizeof(line), f), nullptr);
  std::fclose(f);
  EXPECT_NE(std::string(line).find("fleetlab: cannot listen on 127.0.0.1:"), std::string::npos) << line;
}

}  // namespace
}  // namespace fleetlab
