// The in-process API (the WebAssembly engine's) answers as the lab server's
// router does, and its frontier in pieces gives the /frontier reply.
#include "server/local_api.h"

#include <atomic>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "fleetlab/tracks/tracks.h"
#include "server/lab_app.h"
#include "server/server_test_util.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

FileSet Folder(const std::string& name) { return ReadJsonFolder(testing::SourceDir() + "/" + name, 2).value(); }

class LocalApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    LabServerOptions options;
    options.answer = &AnswerPart;
    options.tracks_dir = testing::SourceDir() + "/tracks";
    app_ = MakeLabApp(options).value().release();
    options.bounds.max_wall_s = 0;  // as in the browser: no watchdog thread
    local_ = LocalApi::Create(options, Folder("data"), Folder("tracks")).value().release();
  }
  static void TearDownTestSuite() {
    delete app_;
    delete local_;
  }

  // The lab server's reply, its deferred job run here as a worker would.
  static LocalApi::Reply Server(const std::string& method, const std::string& path, const std::string& body) {
    HttpRequest req;
    req.method = method;
    req.raw_path = path;
    req.headers = {{"host", "127.0.0.1:8080"}, {"content-type", "application/json"}};
    req.body = body;
    HttpResponse res = app_->router.Handle(std::move(req));
    if (res.deferred) {
      std::atomic<bool> cancel{false};
      JobContext job{&cancel};
      Job run = std::move(res.deferred);
      res.deferred = nullptr;
      run(job, res);
    }
    return {res.status, res.body};
  }

  // Both replies, wall_ms (a measured time) removed.
  static void ExpectSame(const std::string& method, const std::string& path, const std::string& body) {
    LocalApi::Reply a = Server(method, path, body), b = local_->Call(method, path, body);
    EXPECT_EQ(a.status, b.status) << path << " " << body << "\n" << b.body.substr(0, 300);
    json ja = json::parse(a.body), jb = json::parse(b.body);
    if (ja.is_object()) ja.erase("wall_ms");
    if (jb.is_object()) jb.erase("wall_ms");
    EXPECT_EQ(ja, jb) << path << " " << body;
  }

  static LabApp* app_;
  static LocalApi* local_;
};
LabApp* LocalApiTest::app_ = nullptr;
LocalApi* LocalApiTest::local_ = nullptr;

TEST_F(LocalApiTest, AnswersAsTheServerDoes) {
  ExpectSame("GET", "/api/v1/health", "");
  ExpectSame("GET", "/api/v1/catalog", "");
  ExpectSame("GET", "/api/v1/tracks", "");
  ExpectSame("GET", "/api/v1/tracks/cloud-titan/part2", "");
  ExpectSame("GET", "/api/v1/tracks/cloud-titan/part9", "");
  ExpectSame("POST", "/api/v1/run", R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "series": true})");
  ExpectSame("POST", "/api/v1/run", R"({"track": "cloud-titan", "part": "part1", "overrides": {"workload.nope": 1}})");
  ExpectSame("POST", "/api/v1/run", R"({"track": "cloud-titan", "part": "part1", "overrides": {"workload.arrival.rate_per_s": -3}})");
  ExpectSame("POST", "/api/v1/run", "{");
  ExpectSame("POST", "/api/v1/answer", R"({"track": "tiny-pioneer", "part": "part1", "overrides": {}})");
  ExpectSame("POST", "/api/v1/memory", R"({"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 4, "context": 4096})");
  ExpectSame("POST", "/api/v1/plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 2})");
  ExpectSame("DELETE", "/api/v1/run", "");
}

TEST_F(LocalApiTest, TheFrontierInPiecesIsTheFrontier) {
  const std::string body = R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "metric": "ttft",
                               "rates": {"low": 2, "high": 40, "points": 5}})";
  const LocalApi::Reply whole = local_->Call("POST", "/api/v1/frontier", body);
  ASSERT_EQ(whole.status, 200) << whole.body;
  std::string points = "[";
  for (std::size_t i = 0; i < 5; ++i) {
    const LocalApi::Reply p = local_->FrontierPoint(body, i);
    ASSERT_EQ(p.status, 200) << p.body;
    points += (i ? "," : "") + p.body;
  }
  const LocalApi::Reply joined = local_->FrontierFinish(body, points + "]");
  ASSERT_EQ(joined.status, 200) << joined.body;
  EXPECT_EQ(joined.body, whole.body);  // byte for byte
  EXPECT_EQ(Server("POST", "/api/v1/frontier", body).body, whole.body);
}

TEST_F(LocalApiTest, TheFrontierPiecesRefuseWhatTheFrontierRefuses) {
  const std::string bad = R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "rates": {"low": 2, "high": 1, "points": 5}})";
  const LocalApi::Reply whole = local_->Call("POST", "/api/v1/frontier", bad);
  EXPECT_EQ(whole.status, 422);
  EXPECT_EQ(local_->FrontierPoint(bad, 0).body, whole.body);
  EXPECT_EQ(local_->FrontierFinish(bad, "[]").body, whole.body);
  const std::string good = R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "rates": {"low": 2, "high": 4, "points": 2}})";
  EXPECT_EQ(local_->FrontierPoint(good, 2).status, 400);  // only points 0 and 1
  for (const char* points : {"", "[]", "[1, 2]", "{}", "[{}, {}]", "[null, null]"}) {
    EXPECT_EQ(local_->FrontierFinish(good, points).status, 400) << points;
  }
}

}  // namespace
}  // namespace fleetlab::server
