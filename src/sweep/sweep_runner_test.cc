#include "fleetlab/sweep/sweep_runner.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "fleetlab/util/file.h"

namespace fleetlab {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

SweepSpec MmSweep() {
  json doc = json::parse(R"({
    "base": {"name": "mm1-small", "seed": 3,
      "workload": {"arrival": {"process": "poisson", "rate_per_s": 50}, "requests": 2000, "warmup_requests": 100},
      "station": {"servers": 1, "service": {"distribution": "exponential", "mean_ms": 10}}},
    "axes": [{"path": "workload.arrival.rate_per_s", "range": {"start": 20, "stop": 120, "step": 20}},
             {"path": "station.servers", "values": [1, 2]}]})");
  auto spec = ParseSweep(doc, "");
  EXPECT_TRUE(spec.ok()) << spec.status().message();
  return *spec;
}

class SweepRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("fleetlab_sweep_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
                                        "_" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string Read(const std::string& path) { return *ReadTextFile(path, "test output"); }
  static void Write(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

  SweepOutcome Run(const SweepSpec& spec, unsigned threads, const std::string& out) {
    SweepRunOptions o;
    o.threads = threads;
    o.out_path = out;
    auto r = RunSweep(spec, o);
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() ? *r : SweepOutcome();
  }
  fs::path dir_;
};

TEST_F(SweepRunnerTest, OneAndTwoThreadsWriteTheSameFile) {
  const SweepSpec spec = MmSweep();
  for (const char* ext : {".csv", ".json"}) {
    Run(spec, 1, Path(std::string("one") + ext));
    const SweepOutcome two = Run(spec, 2, Path(std::string("two") + ext));
    EXPECT_EQ(two.simulated, 12u);
    EXPECT_EQ(Read(Path(std::string("one") + ext)), Read(Path(std::string("two") + ext))) << ext;
  }
  // Without --out the CSV comes back in the outcome, identical to the file.
  EXPECT_EQ(Run(spec, 2, "").table, Read(Path("one.csv")));
  // The JSON file is one valid array, a row per point.
  const json rows = json::parse(Read(Path("one.json")));
  ASSERT_EQ(rows.size(), 12u);
  EXPECT_EQ(rows[11]["params"]["station.servers"], 2);
  EXPECT_EQ(rows[10]["stable"], false);  // 120/s into one server of 100/s
  // Percentiles are reported beside the verdict: they grow with the run.
  EXPECT_GT(rows[10]["e2e_p99_ms"].get<double>(), rows[6]["e2e_p99_ms"].get<double>());  // 80/s: load 0.8
}

// An interrupted sweep: its file holds the header, k complete rows and a
// row cut short. The rerun keeps the k rows, runs the rest, and writes
// exactly what an uninterrupted run writes.
TEST_F(SweepRunnerTest, ResumeAfterInterruptionCompletesIdentically) {
  const SweepSpec spec = MmSweep();
  for (const char* ext : {".csv", ".json"}) {
    const std::string full = Path(std::string("full") + ext), part = Path(std::string("part") + ext);
    Run(spec, 1, full);
    const std::string text = Read(full);
    const std::size_t k = 5, skip = 1;  // the header line (CSV) or "[" (JSON)
    std::size_t cut = 0;
    for (std::size_t line = 0; line < skip + k; ++line) cut = text.find('\n', cut) + 1;
    Write(part, text.substr(0, cut + 20));  // 20 bytes of row k+1, no line break
    const SweepOutcome resumed = Run(spec, 2, part);
    EXPECT_EQ(resumed.resumed, k) << ext;
    EXPECT_EQ(resumed.simulated, 12 - k) << ext;
    EXPECT_EQ(Read(part), text) << ext;
    // A finished file resumes everything and stays the same.
    EXPECT_EQ(Run(spec, 1, part).simulated, 0u);
    EXPECT_EQ(Read(part), text);
  }
}

TEST_F(SweepRunnerTest, RowsOfAnotherBaseAreRunAgainAndAForeignHeaderIsRefused) {
  SweepSpec spec = MmSweep();
  const std::string out = Path("out.csv");
  Run(spec, 1, out);
  const std::string before = Read(out);
  spec.base["seed"] = 4;  // every key changes
  const SweepOutcome again = Run(spec, 1, out);
  EXPECT_EQ(again.resumed, 0u);
  EXPECT_EQ(again.simulated, 12u);
  EXPECT_NE(Read(out), before);

  Write(out, "index,key,something.else\n");
  SweepRunOptions o;
  o.out_path = out;
  auto refused = RunSweep(spec, o);
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.status().message().find("its header differs"), std::string::npos);
}

// The runner's bound on events per point holds for every point, parsed once
// in advance and run in place.
TEST_F(SweepRunnerTest, MaxEventsPerPointBoundsEveryPoint) {
  const SweepSpec spec = MmSweep();
  SweepRunOptions o;
  const auto free = RunSweep(spec, o);
  ASSERT_TRUE(free.ok()) << free.status().message();
  EXPECT_GT(free->events, 12u * 500u);  // 2,000 requests a point: several events each
  o.max_events_per_point = 500;
  const auto bounded = RunSweep(spec, o);
  ASSERT_TRUE(bounded.ok()) << bounded.status().message();
  EXPECT_EQ(bounded->simulated, 12u);
  EXPECT_EQ(bounded->failed, 12u) << bounded->table;  // each stopped at the bound: an error row
  EXPECT_NE(bounded->table.find("limits.max_events = 500"), std::string::npos) << bounded->table;
}

TEST_F(SweepRunnerTest, ARefusedPointBecomesAnErrorRow) {
  // Llama-3-70B in bf16 needs about 141 GB of weights: TP1 on one 80 GB H100 does not fit.
  json doc = json::parse(R"({
    "base": {"name": "titan", "seed": 1,
      "workload": {"arrival": {"process": "poisson", "rate_per_s": 1}, "requests": 60, "warmup_requests": 10,
                   "prompt_tokens": {"distribution": "deterministic", "mean": 128},
                   "output_tokens": {"distribution": "deterministic", "mean": 16}},
      "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8}},
    "axes": [{"path": "replica.tp", "values": [1, 8]}]})");
  auto spec = ParseSweep(doc, "");
  ASSERT_TRUE(spec.ok()) << spec.status().message();
  const SweepOutcome out = Run(*spec, 2, Path("titan.json"));
  EXPECT_EQ(out.failed, 1u);
  const json rows = json::parse(Read(Path("titan.json")));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_TRUE(rows[0]["error"].is_string());
  EXPECT_TRUE(rows[0]["e2e_p99_ms"].is_null());
  EXPECT_TRUE(rows[1]["error"].is_null());
  EXPECT_TRUE(rows[1]["ttft_p99_ms"].is_number());
  EXPECT_TRUE(rows[1]["usd_per_million_output_tokens"].is_number());
}

}  // namespace
}  // namespace fleetlab
