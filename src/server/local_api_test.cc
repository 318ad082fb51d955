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
  ExpectSame("POST", "/api/v1/plan", R"({"model": "llama-3-8b", "gpu": "h100-sxm", "gpus": 2, "rate_per_s": 5,
                                         "search_replicas": true})");
  ExpectSame("DELETE", "/api/v1/run", "");
}

// The frontier of `body` from its pieces: the capacity, each point given it,
// then the finish.
LocalApi::Reply FrontierFromPieces(const LocalApi& api, const std::string& body, std::size_t n) {
  const LocalApi::Reply capacity = api.FrontierCapacity(body);
  if (capacity.status != 200) return capacity;
  std::string points = "[";
  for (std::size_t i = 0; i < n; ++i) {
    const LocalApi::Reply p = api.FrontierPoint(body, capacity.body, i);
    if (p.status != 200) return p;
    points += (i ? "," : "") + p.body;
  }
  return api.FrontierFinish(body, capacity.body, points + "]");
}

TEST_F(LocalApiTest, TheFrontierInPiecesIsTheFrontier) {
  // Rates in req/s, and (the lab's) loads as fractions of the measured
  // capacity: an LLM replica's saturation run, a station's exact capacity.
  for (const std::string body : {
           R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "metric": "ttft",
               "rates": {"low": 2, "high": 40, "points": 5}})",
           R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "metric": "ttft",
               "rates": {"low_load": 0.1, "high_load": 1.3, "points": 5}})",
           R"({"scenario": {"station": {"servers": 2, "service": {"distribution": "exponential", "mean_ms": 10}},
                            "workload": {"arrival": {"process": "poisson", "rate_per_s": 100}, "requests": 2000}},
               "overrides": {}, "rates": {"low_load": 0.2, "high_load": 1.1, "points": 5}})"}) {
    const LocalApi::Reply whole = local_->Call("POST", "/api/v1/frontier", body);
    ASSERT_EQ(whole.status, 200) << whole.body;
    EXPECT_NE(json::parse(whole.body).value("capacity_per_s", json()), nullptr) << body;
    const LocalApi::Reply joined = FrontierFromPieces(*local_, body, 5);
    ASSERT_EQ(joined.status, 200) << joined.body;
    EXPECT_EQ(joined.body, whole.body) << body;  // byte for byte
    EXPECT_EQ(Server("POST", "/api/v1/frontier", body).body, whole.body) << body;
  }
}

TEST_F(LocalApiTest, TheFrontierPiecesRefuseWhatTheFrontierRefuses) {
  for (const std::string bad : {
           R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "rates": {"low": 2, "high": 1, "points": 5}})",
           R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "rates": {"low_load": 0.5, "high_load": 0.2, "points": 5}})",
           // A station has no first token: CheckFrontier's refusal.
           R"({"overrides": {}, "metric": "ttft",
               "scenario": {"station": {"service": {"distribution": "exponential", "mean_ms": 10}}},
               "rates": {"low": 1, "high": 2, "points": 2}})"}) {
    const LocalApi::Reply whole = local_->Call("POST", "/api/v1/frontier", bad);
    EXPECT_GE(whole.status, 400) << bad;
    EXPECT_EQ(local_->FrontierCapacity(bad).body, whole.body) << bad;
    const std::string capacity = R"({"capacity_per_s": 10, "capacity_source": "exact"})";
    EXPECT_EQ(local_->FrontierPoint(bad, capacity, 0).body, whole.body) << bad;
    EXPECT_EQ(local_->FrontierFinish(bad, capacity, "[]").body, whole.body) << bad;
  }
  const std::string good = R"({"track": "cloud-titan", "part": "part1", "overrides": {}, "rates": {"low": 2, "high": 4, "points": 2}})";
  const LocalApi::Reply capacity = local_->FrontierCapacity(good);
  ASSERT_EQ(capacity.status, 200) << capacity.body;
  EXPECT_EQ(local_->FrontierPoint(good, capacity.body, 2).status, 400);  // only points 0 and 1
  for (const char* points : {"", "[]", "[1, 2]", "{}", "[{}, {}]", "[null, null]"}) {
    EXPECT_EQ(local_->FrontierFinish(good, capacity.body, points).status, 400) << points;
  }
  for (const char* c : {"", "{}", "[]", R"({"capacity_per_s": 0, "capacity_source": "exact"})",
                        R"({"capacity_per_s": -1, "capacity_source": "exact"})", R"({"capacity_per_s": "9"})",
                        R"({"capacity_per_s": 9, "capacity_source": 1})"}) {
    EXPECT_EQ(local_->FrontierPoint(good, c, 0).status, 400) << c;
    EXPECT_EQ(local_->FrontierFinish(good, c, "[]").status, 400) << c;
  }
}

}  // namespace
}  // namespace fleetlab::server
