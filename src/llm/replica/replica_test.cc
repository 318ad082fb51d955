// The LLM replica end to end: scenarios run through RunScenario, checked
// against closed forms and against the laws the lab teaches.
#include <cmath>

#include <gtest/gtest.h>

#include "fleetlab/analytic/speculative.h"
#include "fleetlab/frontier.h"
#include "fleetlab/llm/timeline.h"
#include "fleetlab/report/render.h"
#include "fleetlab/runner.h"
#include "fleetlab/scenario/parse.h"

namespace fleetlab {
namespace {

using nlohmann::json;

// Llama-3-70B on 8 H100s; `patch` is merged over the defaults.
json Base() {
  return json::parse(R"({
    "seed": 7,
    "workload": {"arrival": {"process": "poisson", "rate_per_s": 4},
                 "prompt_tokens": {"distribution": "deterministic", "mean": 512},
                 "output_tokens": {"distribution": "deterministic", "mean": 128},
                 "requests": 400, "warmup_requests": 40},
    "replica": {"model": "llama-3-70b", "gpu": "h100-sxm", "tp": 8}})");
}

Report RunJson(json doc) {
  auto s = ParseScenario(doc, "");
  EXPECT_TRUE(s.ok()) << s.status().message();
  if (!s.ok()) return Report{};
  auto r = RunScenario(*s);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Report{};
}

// One user at a time: a request meets an empty replica.
json Alone(json doc, int output) {
  doc["workload"].erase("arrival");
  doc["workload"]["mode"] = "closed";
  doc["workload"]["closed"] = {{"users", 1}};
  doc["workload"]["output_tokens"]["mean"] = output;
  return doc;
}

// A closed loop of 250 users with zero think time (the issue's case): the
// arrival window holds every user all the time, so the mean concurrency is
// 250 exactly (the drain, where users leave one by one, is excluded), and the
// throughput obeys the response-time law X = N / (R + Z) with Z = 0, up to
// one wave of users at the window's edges over the window's departures.
TEST(ReplicaTest, ClosedLoopHoldsEveryUserAndObeysTheResponseTimeLaw) {
  json doc = Base();
  doc["workload"].erase("arrival");
  doc["workload"]["mode"] = "closed";
  doc["workload"]["closed"] = {{"users", 250}, {"think_time", {{"distribution", "deterministic"}, {"mean_ms", 0}}}};
  doc["workload"]["requests"] = 250 + 5000;
  doc["workload"]["warmup_requests"] = 250;
  const Report r = RunJson(doc);
  ASSERT_TRUE(r.llm && r.stable);
  EXPECT_DOUBLE_EQ(r.mean_in_system, 250);
  EXPECT_NEAR(r.llm->mean_concurrency, 250, 1e-9);
  const double law = 250 / (r.e2e_ms.mean / 1e3);
  EXPECT_NEAR(r.throughput_rps, law, 250 / r.window_s + 0.01 * law);
  // Every request makes 128 tokens: the token rate says the same.
  EXPECT_NEAR(r.llm->output_tokens_per_s / 128, law, 0.02 * law);
  // The drain (the last wave's answer) is reported apart; the users finish
  // in whole waves here, so the benchmark-style rate that includes it agrees.
  EXPECT_NEAR(r.drain_s, r.e2e_ms.mean / 1e3, 1e-6);
  EXPECT_NEAR(r.throughput_with_drain_rps, r.throughput_rps, 1e-6 * r.throughput_rps);
  EXPECT_EQ(r.llm->output_tokens, 5000u * 128);  // measured requests' own tokens, warm-up excluded
}

TEST(ReplicaTest, TensorParallelCutsOneRequestsLatencyPipelineParallelDoesNot) {
  json tp8 = Alone(Base(), 16), pp8 = tp8;
  pp8["replica"]["tp"] = 1;
  pp8["replica"]["pp"] = 8;
  const Report a = RunJson(tp8), b = RunJson(pp8);
  ASSERT_TRUE(a.llm && b.llm);
  // PP8 passes the request through 8 stages in turn: its TTFT is TP1's
  // compute plus transfers; TP8 splits each layer 8 ways.
  EXPECT_LT(a.llm->ttft_ms.mean * 3, b.llm->ttft_ms.mean);
  EXPECT_LT(a.llm->tpot_ms.mean * 3, b.llm->tpot_ms.mean);
}

TEST(ReplicaTest, PipelineParallelAddsThroughputUnderLoad) {
  // PP2 over 16 GPUs (two TP8 stages) against TP8 on 8: pipelining adds
  // micro-batches in flight, and so throughput, without cutting latency.
  json tp8 = Base();
  tp8["workload"].erase("arrival");
  tp8["workload"]["mode"] = "closed";
  tp8["workload"]["closed"] = {{"users", 128}};
  tp8["workload"]["requests"] = 1500;
  tp8["workload"]["warmup_requests"] = 200;
  json pp2 = tp8;
  pp2["replica"]["pp"] = 2;
  const Report a = RunJson(tp8), b = RunJson(pp2);
  ASSERT_TRUE(a.llm && b.llm);
  EXPECT_GT(b.throughput_rps, 1.3 * a.throughput_rps);
  EXPECT_GT(b.llm->ttft_parts_ms.bubble_s + b.llm->ttft_parts_ms.pp_comm_s, 0.0);
}

TEST(ReplicaTest, TtftWaterfallAddsUpToTheMeanTtft) {
  json doc = Base();
  doc["replica"]["pp"] = 2;
  doc["replica"]["tp"] = 4;
  doc["workload"]["arrival"]["rate_per_s"] = 10;
  const Report r = RunJson(doc);
  ASSERT_TRUE(r.llm);
  const double sum = r.llm->ttft_queue_ms + r.llm->ttft_parts_ms.total_s;
  EXPECT_NEAR(sum, r.llm->ttft_ms.mean, 1e-6 * r.llm->ttft_ms.mean);
  const StepBreakdown& p = r.llm->ttft_parts_ms;
  EXPECT_NEAR(p.matmul_s + p.weight_memory_s + p.attention_s + p.kv_memory_s + p.tp_comm_s + p.pp_comm_s +
                  p.bubble_s + p.overhead_s,
              p.total_s, 1e-9 * p.total_s);
  EXPECT_GE(r.llm->ttft_queue_ms, 0.0);
}

// Every request: e2e = TTFT + (n - 1) TPOT exactly (TPOT is defined so);
// with fixed n the means obey it too. Little: L = X W over the arrival
// window, up to the requests still in the system when it closes (each of
// which leaves at most the longest sojourn out of the area).
TEST(ReplicaTest, LatencyDecomposesAndLittlesLawHolds) {
  json doc = Base();
  doc["workload"]["warmup_requests"] = 0;
  const Report r = RunJson(doc);
  ASSERT_TRUE(r.llm && r.stable);
  EXPECT_NEAR(r.e2e_ms.mean, r.llm->ttft_ms.mean + 127 * r.llm->tpot_ms.mean, 1e-6 * r.e2e_ms.mean);
  const double edge = static_cast<double>(r.in_system_at_window_end) * r.e2e_ms.max / 1e3 / r.window_s;
  EXPECT_NEAR(r.mean_in_system, r.throughput_rps * r.e2e_ms.mean / 1e3, edge);
  EXPECT_GT(r.in_system_at_window_end, 0u);  // the drain starts with requests in flight
  EXPECT_GT(r.drain_s, 0);
  // Concurrency also equals the token rate times the time per output token.
  EXPECT_NEAR(r.llm->output_tokens_per_s / 128 * r.e2e_ms.mean / 1e3, r.mean_in_system, 0.02 * r.mean_in_system);
}

// Leviathan et al.: with acceptance alpha and gamma drafts, a target step
// yields (1 - alpha^(gamma+1)) / (1 - alpha) tokens on average.
TEST(ReplicaTest, SpeculativeTokensPerStepMatchLeviathanAtBatchOne) {
  json doc = Alone(Base(), 2000);
  doc["workload"]["requests"] = 60;
  doc["workload"]["warmup_requests"] = 0;
  doc["replica"]["speculative"] = {{"draft", "ngram"}, {"gamma", 4}, {"acceptance", 0.8}};
  const Report r = RunJson(doc);
  ASSERT_TRUE(r.llm);
  const double expected = analytic::SpeculativeTokensPerStep(0.8, 4);  // 3.3616
  EXPECT_NEAR(r.llm->spec_tokens_per_step, expected, 0.02 * expected);
}

double SpeculativeGain(int users) {
  json plain = Base();
  plain["workload"].erase("arrival");
  plain["workload"]["mode"] = "closed";
  plain["workload"]["closed"] = {{"users", users}};
  plain["workload"]["requests"] = 20 * users + 20;
  plain["workload"]["warmup_requests"] = 20;
  json spec = plain;
  spec["replica"]["speculative"] = {{"draft", "llama-3.2-1b"}, {"gamma", 4}, {"acceptance", 0.7}};
  const Report a = RunJson(plain), b = RunJson(spec);
  return b.llm && a.llm ? a.llm->tpot_ms.mean / b.llm->tpot_ms.mean : 0;
}

TEST(ReplicaTest, SpeculativeGainShrinksAsTheBatchGrows) {
  const double alone = SpeculativeGain(1), crowded = SpeculativeGain(192);
  EXPECT_GT(alone, 1.5);  // memory-bound target: verification is nearly free
  EXPECT_LT(crowded, alone);
  EXPECT_LT(crowded, 1.0);  // compute-bound target: 5x the work per step loses
}

TEST(ReplicaTest, ContinuousBatchingBeatsStaticBatching) {
  json cont = Base();
  cont["workload"]["arrival"]["rate_per_s"] = 8;
  cont["workload"]["output_tokens"] = {{"distribution", "lognormal"}, {"mean", 128}, {"cv", 1.0}};
  json stat = cont;
  stat["replica"]["scheduler"] = {{"policy", "static"}, {"max_batch", 32}};
  const Report c = RunJson(cont), s = RunJson(stat);
  ASSERT_TRUE(c.llm && s.llm);
  EXPECT_LT(c.e2e_ms.p99 * 1.5, s.e2e_ms.p99);
}

// Request-level batching keeps a finished request in its batch as padding
// until the batch ends. Short of memory, a growing request must not preempt
// it: it had been answered, and preempted it was queued, prefilled and
// answered again (40 sent, 41 completed, "18446744073709551615 in flight").
TEST(ReplicaTest, AStaticBatchNeverPreemptsARequestItHasAnswered) {
  for (const char* policy : {"static", "dynamic"}) {
    json doc = json::parse(R"({"seed": 1,
      "workload": {"requests": 40, "warmup_requests": 0, "arrival": {"process": "poisson", "rate_per_s": 10},
                   "prompt_tokens": {"distribution": "deterministic", "mean": 1000},
                   "output_tokens": {"distribution": "uniform", "low": 1, "high": 3000}},
      "replica": {"model": "llama-3.1-8b", "gpu": "h100-sxm", "gpu_memory_utilization": 0.3}})");
    doc["replica"]["scheduler"] = {{"policy", policy}};
    const Report r = RunJson(doc);
    ASSERT_TRUE(r.llm) << policy;
    EXPECT_EQ(r.completed + r.llm->failed, 40u) << policy;
    EXPECT_EQ(r.in_flight_at_end, 0u) << policy;
  }
}

// The KV shares are a partition of the cache over time, for a fleet too:
// a replica no request has reached yet is all free. (Its shares had been 0
// until its first request: eight replicas at 0.2 req/s summed to 0.909.)
TEST(ReplicaTest, AFleetsKvSharesAddUpToTheWholeCache) {
  json doc = Base();
  doc["workload"]["arrival"]["rate_per_s"] = 0.2;
  doc["workload"]["requests"] = 40;
  doc["workload"]["warmup_requests"] = 0;
  doc["fleet"] = {{"replicas", 8}};
  const Report r = RunJson(doc);
  ASSERT_TRUE(r.llm);
  const KvShares& k = r.llm->kv_mean;
  EXPECT_NEAR(k.stored + k.reserved + k.internal + k.external + k.cached + k.free, 1.0, 1e-9);
  EXPECT_GT(k.free, 0.99);  // 70B on 8 H100s each, a request every 5 s
}

TEST(ReplicaTest, ChunkedPrefillKeepsDecodesFlowing) {
  json cont = Base();
  cont["workload"]["arrival"]["rate_per_s"] = 3;
  cont["workload"]["prompt_tokens"]["mean"] = 4096;
  json chunked = cont;
  chunked["replica"]["scheduler"] = {{"policy", "chunked_prefill"}, {"max_batch_tokens", 512}};
  const Report c = RunJson(cont), k = RunJson(chunked);
  ASSERT_TRUE(c.llm && k.llm);
  EXPECT_LT(k.llm->itl_ms.p99, c.llm->itl_ms.p99);  // no whole-prompt stalls between tokens
}

TEST(ReplicaTest, PagedKvHoldsMoreUsersThanMaxLengthReservation) {
  json paged = Base();
  paged["replica"]["tp"] = 2;
  paged["replica"]["gpu_memory_utilization"] = 0.95;
  paged["workload"]["arrival"]["rate_per_s"] = 6;
  json contiguous = paged;
  contiguous["replica"]["kv"] = {{"allocator", "contiguous"}, {"reservation", "max_length"}};
  const Report p = RunJson(paged), c = RunJson(contiguous);
  ASSERT_TRUE(p.llm && c.llm);
  const KvShares& cs = c.llm->kv_mean;
  const KvShares& ps = p.llm->kv_mean;
  const double c_used = cs.stored + cs.reserved + cs.internal + cs.external;
  const double p_used = ps.stored + ps.reserved + ps.internal + ps.external;
  EXPECT_LT(cs.stored / c_used, 0.5);  // max-length reservation: most reserved memory holds no token
  EXPECT_GT(ps.stored / p_used, 0.9);
  EXPECT_LT(p.e2e_ms.mean, c.e2e_ms.mean);  // more requests admitted at once
}

TEST(ReplicaTest, MemoryPressurePreemptsAndTheBudgetFailsRequests) {
  json doc = Base();
  doc["replica"] = {{"model", "llama-3-8b"}, {"gpu", "h100-sxm"}, {"gpu_memory_utilization", 0.3}};
  doc["workload"]["arrival"]["rate_per_s"] = 40;
  doc["workload"]["output_tokens"]["mean"] = 512;
  const Report recompute = RunJson(doc);
  ASSERT_TRUE(recompute.llm);
  EXPECT_GT(recompute.llm->preemptions, 0u);
  EXPECT_EQ(recompute.llm->failed, 0u);
  json swap = doc;
  swap["replica"]["preemption"] = {{"mode", "swap"}};
  const Report s = RunJson(swap);
  ASSERT_TRUE(s.llm);
  EXPECT_GT(s.llm->swaps, 0u);
  json budget = doc;
  budget["replica"]["preemption"] = {{"budget", 1}, {"on_budget", "fail"}};
  const Report b = RunJson(budget);
  ASSERT_TRUE(b.llm);
  EXPECT_GT(b.llm->failed, 0u);
  EXPECT_EQ(b.dropped, b.llm->failed + b.llm->rejected);
}

TEST(ReplicaTest, PrefixCachingSkipsSharedPrompts) {
  json doc = Base();
  doc["workload"]["prefix"] = {{"groups", 4}, {"tokens", 2048}};
  json cached = doc;
  cached["replica"]["kv"] = {{"prefix_caching", true}};
  const Report off = RunJson(doc), on = RunJson(cached);
  ASSERT_TRUE(off.llm && on.llm);
  const double hit = static_cast<double>(on.llm->prefix_hit_tokens) / on.llm->prefix_lookup_tokens;
  EXPECT_GT(hit, 0.9);  // four system prompts, computed once each
  EXPECT_LT(on.llm->ttft_ms.mean * 2, off.llm->ttft_ms.mean);
}

// Conversations: each turn's prompt is the previous turn's prompt and answer
// plus a new question, so prefix caching reuses whole earlier turns.
TEST(ReplicaTest, PrefixCachingReusesEarlierTurnsOfAConversation) {
  json doc = Base();
  doc["workload"]["arrival"]["rate_per_s"] = 2;
  doc["workload"]["prefix"] = {{"groups", 4}, {"tokens", 256}, {"turns", 4}};
  json cached = doc;
  cached["replica"]["kv"] = {{"prefix_caching", true}};
  const Report off = RunJson(doc), on = RunJson(cached);
  ASSERT_TRUE(off.llm && on.llm);
  // Turns 2-4 carry 256 + k * (512 + 128) tokens of history: far more than
  // the 256-token system prompts alone could ever hit.
  const double per_request = static_cast<double>(on.llm->prefix_hit_tokens) / static_cast<double>(on.arrived);
  EXPECT_GT(per_request, 512.0);
  EXPECT_GT(on.llm->prefix_hit_tokens, 0.5 * on.llm->prefix_lookup_tokens);
  EXPECT_LT(on.llm->ttft_ms.mean, off.llm->ttft_ms.mean);
}

TEST(ReplicaTest, TooLongRequestsAreRejectedAndCounted) {
  json doc = Base();
  doc["replica"]["scheduler"] = {{"max_model_len", 600}};
  const Report r = RunJson(doc);
  ASSERT_TRUE(r.llm);
  EXPECT_EQ(r.llm->rejected, r.arrived);  // 512 + 128 > 600
}

// A contiguous cache reserves ahead. A request whose reservation is larger
// than the whole cache can never be admitted: refused and counted (it had
// waited for ever, "in flight", while the run reported a capacity); and a
// max-length reservation past the cache refuses the configuration.
TEST(ReplicaTest, AReservationLargerThanTheCacheIsRefused) {
  json doc = json::parse(R"({"seed": 1,
    "workload": {"requests": 10, "warmup_requests": 0, "arrival": {"process": "poisson", "rate_per_s": 1},
                 "prompt_tokens": {"distribution": "deterministic", "mean": 40000},
                 "output_tokens": {"distribution": "deterministic", "mean": 10}},
    "replica": {"model": "llama-3.1-8b", "gpu": "h100-sxm", "gpu_memory_utilization": 0.3,
                "kv": {"allocator": "contiguous", "reservation": "power_of_two"}}})");
  // ~56,000 slots: 40,010 tokens fit, their power of two (65,536) does not.
  const Report r = RunJson(doc);
  ASSERT_TRUE(r.llm);
  EXPECT_EQ(r.llm->rejected, 10u);
  EXPECT_EQ(r.in_flight_at_end, 0u);
  doc["workload"]["prompt_tokens"]["mean"] = 30000;  // 32,768 reserved: served
  const Report fits = RunJson(doc);
  ASSERT_TRUE(fits.llm);
  EXPECT_EQ(fits.completed, 10u);
  doc["replica"]["kv"]["reservation"] = "max_length";  // 131,072 a request, for every request
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto refused = RunScenario(*s);
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().message().rfind("replica.kv.reservation: max_length reserves "
                                             "replica.scheduler.max_model_len = 131072 tokens for every request, "
                                             "but the KV cache holds ", 0), 0u) << refused.status().message();
}

TEST(ReplicaTest, WeightsThatDoNotFitAreRefusedWithTheNumbers) {
  json doc = Base();
  doc["replica"]["tp"] = 1;
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok());
  auto r = RunScenario(*s);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("141.1 GB"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("72.0 GB"), std::string::npos) << r.status().message();
}

TEST(ReplicaTest, TimelineHoldsIterationsAndRequestPhases) {
  json doc = Base();
  doc["workload"]["requests"] = 50;
  doc["workload"]["warmup_requests"] = 0;
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok());
  Timeline timeline;
  RunHooks hooks;
  hooks.timeline = &timeline;
  auto r = RunScenario(*s, hooks);
  ASSERT_TRUE(r.ok());
  const json trace = timeline.ToJson();
  int prefills = 0, decodes = 0, requests_decoding = 0;
  for (const json& e : trace["traceEvents"]) {
    if (e["ph"] != "X") continue;
    if (e["pid"] == 1 && e["name"] == "prefill") ++prefills;
    if (e["pid"] == 1 && e["name"] == "decode") ++decodes;
    if (e["pid"] == 2 && e["name"] == "decode") ++requests_decoding;
    EXPECT_GE(e["dur"].get<double>(), 0.0);
  }
  EXPECT_GT(prefills, 0);
  EXPECT_GT(decodes, 127);        // at least one request's worth of steps
  EXPECT_EQ(requests_decoding, 50);  // every request's decode phase
}

TEST(ReplicaTest, SeriesAndHeatmapAreBounded) {
  json doc = Base();
  doc["workload"]["arrival"]["rate_per_s"] = 8;
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok()) << s.status().message();
  auto run = RunScenario(*s, RunHooks{.kv_heatmap = true});
  ASSERT_TRUE(run.ok()) << run.status().message();
  const json report = ReportToJson(*run, true);
  const json& heatmap = report["series"]["kv_heatmap"];
  const std::size_t rows = heatmap["time_s"].size();
  EXPECT_GT(rows, 50u);
  EXPECT_LE(rows, 200u);
  EXPECT_EQ(heatmap["states"].size(), rows * heatmap["cells"].get<std::size_t>());
  EXPECT_EQ(report["series"]["queue"]["waiting"].size(), report["series"]["queue"]["time_s"].size());
}

// Cloud Titan, Part 1: the TTFT frontier of Llama-3-70B on 8 H100s has a
// knee: P99 TTFT stays near its unloaded value at low load and explodes as
// the arrival rate nears what the replica can serve.
TEST(ReplicaTest, TtftFrontierHasAKnee) {
  json doc = Base();
  doc["workload"]["prompt_tokens"] = {{"distribution", "lognormal"}, {"mean", 512}, {"cv", 1.0}};
  doc["workload"]["output_tokens"] = {{"distribution", "lognormal"}, {"mean", 256}, {"cv", 1.0}};
  doc["workload"]["requests"] = 1500;
  doc["workload"]["warmup_requests"] = 100;
  auto s = ParseScenario(doc, "");
  ASSERT_TRUE(s.ok());
  FrontierOptions o;
  o.rate_low_per_s = 2;
  o.rate_high_per_s = 34;
  o.points = 5;
  o.threads = 2;
  o.metric = FrontierMetric::kTtft;
  auto f = RunFrontier(*s, o);
  ASSERT_TRUE(f.ok()) << f.status().message();
  const Report& low = f->reports.front();
  ASSERT_TRUE(low.llm);
  EXPECT_LT(low.llm->ttft_ms.p99, 5 * f->unloaded_p99_ms);  // near the unloaded value
  EXPECT_GE(f->knee_index, 0);
  EXPECT_LT(f->knee_index, 4);  // crossed before the last rate
  EXPECT_FALSE(std::isnan(f->knee_rate_per_s));
}

TEST(ReplicaTest, SameSeedSameReport) {
  json doc = Base();
  doc["replica"]["kv"] = {{"prefix_caching", true}};
  doc["workload"]["prefix"] = {{"groups", 3}, {"tokens", 256}};
  EXPECT_EQ(ReportToJson(RunJson(doc), true).dump(), ReportToJson(RunJson(doc), true).dump());
}

}  // namespace
}  // namespace fleetlab
