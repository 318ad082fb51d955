#include "report/vllm_render.h"

#include <string>

namespace fleetlab {
namespace {

using nlohmann::json;

void AddMetric(const char* name, const Summary& s, bool valid, json* out) {
  const auto v = [valid](double x) { return valid ? json(x) : json(); };
  (*out)[std::string("mean_") + name + "_ms"] = v(s.mean);
  (*out)[std::string("median_") + name + "_ms"] = v(s.p50);
  (*out)[std::string("p90_") + name + "_ms"] = v(s.p90);
  (*out)[std::string("p95_") + name + "_ms"] = v(s.p95);
  (*out)[std::string("p99_") + name + "_ms"] = v(s.p99);
}

}  // namespace

json VllmBenchJson(const Report& r, bool valid) {
  const LlmReport& llm = *r.llm;
  json out = {{"completed", r.completed},
              {"duration", r.window_s},
              {"total_output_tokens", llm.output_tokens},
              {"request_throughput", r.throughput_rps},
              {"request_goodput", llm.goodput_rps},
              {"output_throughput", llm.output_tokens_per_s},
              {"total_token_throughput", llm.output_tokens_per_s + llm.prompt_tokens_per_s}};
  AddMetric("ttft", llm.ttft_ms, valid, &out);
  AddMetric("tpot", llm.tpot_ms, valid, &out);
  AddMetric("itl", llm.itl_ms, valid, &out);
  AddMetric("e2el", r.e2e_ms, valid, &out);
  return out;
}

}  // namespace fleetlab
