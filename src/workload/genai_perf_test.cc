#include "fleetlab/workload/genai_perf.h"

#include <string>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

// The shape GenAI-Perf writes (values made up for the test): a block of
// distributions, one of totals, then a GPU telemetry block to ignore.
const char* kCsv =
    "Metric,avg,min,max,p99,p95,p90,p75,p50,p25\r\n"
    "Time To First Token (ms),\"1,250.50\",80.00,\"2,400.00\",\"2,300.00\",\"2,000.00\",\"1,900.00\",\"1,500.00\","
    "\"1,100.00\",700.00\r\n"
    "Time To Second Token (ms),30.00,1.00,90.00,80.00,70.00,60.00,40.00,30.00,20.00\r\n"
    "Request Latency (ms),\"9,000.00\",\"5,000.00\",\"12,000.00\",\"11,900.00\",\"11,000.00\",\"10,500.00\","
    "\"9,500.00\",\"8,800.00\",\"8,000.00\"\r\n"
    "Inter Token Latency (ms),30.25,25.00,40.00,39.50,38.00,36.00,33.00,30.00,28.00\r\n"
    "Output Token Throughput Per User (tokens/sec/user),33.00,25.00,40.00,39.00,38.00,37.00,35.00,33.00,31.00\r\n"
    "Output Sequence Length (tokens),256.40,250.00,260.00,260.00,259.00,258.00,257.00,256.00,255.00\r\n"
    "Input Sequence Length (tokens),\"2,048.00\",\"2,047.00\",\"2,049.00\",\"2,049.00\",\"2,049.00\",\"2,049.00\","
    "\"2,048.00\",\"2,048.00\",\"2,048.00\"\r\n"
    "\r\n"
    "Metric,Value\r\n"
    "Output Token Throughput (per sec),\"1,024.50\"\r\n"
    "Request Throughput (per sec),4.00\r\n"
    "Request Count (count),400.00\r\n"
    "\r\n"
    "Metric,GPU,avg,min,max\r\n"
    "GPU Power Usage (W),gpu0,500.00,400.00,600.00\r\n";

TEST(GenAiPerfTest, MapsGenAiPerfRowsToVllmNames) {
  GenAiPerfLoad load;
  load.concurrency = 16;
  auto r = ParseGenAiPerfCsv(kCsv, "run.csv", load);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->requests, 400u);
  EXPECT_EQ(r->max_concurrency, 16u);
  EXPECT_EQ(r->request_rate, 0);
  EXPECT_DOUBLE_EQ(r->mean_input_tokens, 2048);
  EXPECT_DOUBLE_EQ(r->mean_output_tokens, 256.4);
  EXPECT_DOUBLE_EQ(r->metrics["mean_ttft_ms"].get<double>(), 1250.5);
  EXPECT_DOUBLE_EQ(r->metrics["median_ttft_ms"].get<double>(), 1100);
  EXPECT_DOUBLE_EQ(r->metrics["p99_ttft_ms"].get<double>(), 2300);
  EXPECT_DOUBLE_EQ(r->metrics["p90_ttft_ms"].get<double>(), 1900);
  // GenAI-Perf's inter-token latency is vLLM's TPOT.
  EXPECT_DOUBLE_EQ(r->metrics["mean_tpot_ms"].get<double>(), 30.25);
  EXPECT_FALSE(r->metrics.contains("mean_itl_ms"));
  EXPECT_DOUBLE_EQ(r->metrics["mean_e2el_ms"].get<double>(), 9000);
  EXPECT_DOUBLE_EQ(r->metrics["output_throughput"].get<double>(), 1024.5);
  EXPECT_DOUBLE_EQ(r->metrics["request_throughput"].get<double>(), 4);
  EXPECT_FALSE(r->metrics.contains("min_ttft_ms"));  // min, max, p75, p25 are not vLLM fields
}

TEST(GenAiPerfTest, OlderFilesInNanosecondsAndARateLoad) {
  const char* csv =
      "Metric,avg,min,max,p99,p95,p90,p75,p50,p25\n"
      "Time To First Token (ns),2000000,1,3,4,5,6,7,1500000,9\n"
      "Num Output Token,4.50,3.00,6.00,5.97,5.85,5.70,5.25,4.50,3.75\n"
      "Num Input Token,3.50,3.00,4.00,3.99,3.95,3.90,3.75,3.50,3.25\n";
  auto load = ParseGenAiPerfLoad("rate=2.5, distribution=poisson, requests=50");
  ASSERT_TRUE(load.ok()) << load.status().message();
  auto r = ParseGenAiPerfCsv(csv, "old.csv", *load);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_DOUBLE_EQ(r->metrics["mean_ttft_ms"].get<double>(), 2);
  EXPECT_DOUBLE_EQ(r->metrics["median_ttft_ms"].get<double>(), 1.5);
  EXPECT_EQ(r->requests, 50u);
  EXPECT_DOUBLE_EQ(r->request_rate, 2.5);
  EXPECT_DOUBLE_EQ(r->burstiness, 1);  // Poisson
  load->poisson = false;
  EXPECT_DOUBLE_EQ(ParseGenAiPerfCsv(csv, "old.csv", *load)->burstiness, 1e6);  // perf_analyzer's even spacing
}

TEST(GenAiPerfTest, BadInputIsNamed) {
  GenAiPerfLoad none;
  EXPECT_NE(ParseGenAiPerfCsv(kCsv, "run.csv", none).status().message().find("concurrency=N"), std::string::npos);
  GenAiPerfLoad c8;
  c8.concurrency = 8;
  const std::string no_count = std::string(kCsv).substr(0, std::string(kCsv).find("Request Count"));
  EXPECT_NE(ParseGenAiPerfCsv(no_count, "run.csv", c8).status().message().find("requests=N"), std::string::npos);
  c8.requests = 100;
  EXPECT_TRUE(ParseGenAiPerfCsv(no_count, "run.csv", c8).ok());
  const auto bad = ParseGenAiPerfCsv("Metric,avg,p50\nTime To First Token (ms),abc,1\n", "x.csv", c8);
  EXPECT_EQ(bad.status().message().rfind("x.csv:2:26: must be a number >= 0 (got \"abc\")", 0), 0u) << bad.status().message();
  EXPECT_NE(ParseGenAiPerfCsv("request,ttft\n1,2\n", "y.csv", c8).status().message().find("Metric,"),
            std::string::npos);
  const auto no_lengths = ParseGenAiPerfCsv("Metric,avg\nTime To First Token (ms),5\n", "z.csv", c8);
  EXPECT_NE(no_lengths.status().message().find("Sequence Length"), std::string::npos);
  const auto no_unit = ParseGenAiPerfCsv("Metric,avg\nRequest Latency,5\n", "u.csv", c8);
  EXPECT_NE(no_unit.status().message().find("unit"), std::string::npos);
  for (const char* spec : {"concurrency=0", "concurrency=2.5", "rate=-1", "distribution=gamma", "speed=3", "rate"}) {
    const auto l = ParseGenAiPerfLoad(spec);
    ASSERT_FALSE(l.ok()) << spec;
    EXPECT_NE(l.status().message().find("allowed are concurrency=1..1e6"), std::string::npos) << spec;
  }
}

}  // namespace
}  // namespace fleetlab
