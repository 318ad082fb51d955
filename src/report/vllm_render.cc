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

json VllmBenchJson(const Report& r) {
  const LlmReport& llm = *r.llm;
  // As vLLM's benchmark counts: the measured requests completed over the
  // whole run, drain included (first measured arrival to last completion).
  const double duration = r.with_drain_window_s;
  const auto per_s = [duration](double n) { return duration > 0 ? n / duration : 0.0; };
  const double completed = static_cast<double>(r.completed);
  const double output = static_cast<double>(llm.output_tokens);
  const double prompt = static_cast<double>(llm.prompt_tokens);
  json out = {{"completed", r.completed},
              {"duration", duration},
              {"total_output_tokens", llm.output_tokens},
              {"request_throughput", per_s(completed)},
              {"request_goodput", per_s(completed * llm.slo_attainment)},
              {"total_input_tokens", llm.prompt_tokens},
              {"output_throughput", per_s(output)},
              // vLLM's: (input + output tokens of the completed requests) / duration
              {"total_token_throughput", per_s(prompt + output)}};
  AddMetric("ttft", llm.ttft_ms, true, &out);
  AddMetric("tpot", llm.tpot_ms, true, &out);
  AddMetric("itl", llm.itl_ms, true, &out);
  AddMetric("e2el", r.e2e_ms, true, &out);
  return out;
}

}  // namespace fleetlab
