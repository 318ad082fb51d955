#include "fleetlab/llm/timeline.h"

#include <cmath>
#include <utility>

namespace fleetlab {
namespace {

using nlohmann::json;

constexpr int kReplicaPid = 1;
constexpr int kRequestsPid = 2;

double Us(SimTime t) { return static_cast<double>(t) / 1e3; }

// 4 significant digits: a breakdown part's share of a step, not its bits.
double Short(double x) {
  if (x == 0 || !std::isfinite(x)) return x;
  const double scale = std::pow(10.0, 3 - std::floor(std::log10(std::fabs(x))));
  return std::round(x * scale) / scale;
}

// The iteration's arguments: its batch, and the breakdown parts that took
// any time (a zero part is left out: the trace is about half as large).
json IterationArgs(std::int64_t prefill_tokens, std::int64_t decode_tokens, std::int64_t sequences,
                   const StepBreakdown& b) {
  json args{{"sequences", sequences}, {"prefill_tokens", prefill_tokens}, {"decode_tokens", decode_tokens}};
  const std::pair<const char*, double> parts[] = {
      {"matmul_ms", b.matmul_s},   {"weight_memory_ms", b.weight_memory_s}, {"attention_ms", b.attention_s},
      {"kv_memory_ms", b.kv_memory_s}, {"tp_comm_ms", b.tp_comm_s},       {"pp_comm_ms", b.pp_comm_s},
      {"bubble_ms", b.bubble_s},   {"overhead_ms", b.overhead_s}};
  for (const auto& [name, seconds] : parts) {
    if (seconds != 0) args[name] = Short(seconds * 1e3);
  }
  return args;
}

json Span(const std::string& name, int pid, std::uint64_t tid, SimTime start, SimTime end, json args) {
  return json{{"name", name}, {"ph", "X"}, {"pid", pid}, {"tid", tid}, {"ts", Us(start)},
              {"dur", Us(end - start)}, {"args", std::move(args)}};
}

json Metadata(const char* what, int pid, const std::string& name) {
  return json{{"name", what}, {"ph", "M"}, {"pid", pid}, {"args", {{"name", name}}}};
}

}  // namespace

void Timeline::OnIteration(int engine, SimTime start, SimTime end, std::int64_t prefill_tokens,
                           std::int64_t decode_tokens, std::int64_t sequences, const StepBreakdown& b) {
  if (++iterations_ > limits_.max_iterations) return;
  const char* name = prefill_tokens > 0 ? (decode_tokens > 0 ? "mixed" : "prefill") : "decode";
  events_.push_back(Span(name, kReplicaPid, static_cast<std::uint64_t>(engine), start, end,
                         IterationArgs(prefill_tokens, decode_tokens, sequences, b)));
}

void Timeline::OnRequest(std::uint64_t id, SimTime arrival, SimTime scheduled, SimTime first_token,
                         SimTime last_token, std::int64_t prompt, std::int64_t output, bool completed) {
  if (id >= limits_.max_requests) return;
  const json args{{"prompt_tokens", prompt}, {"output_tokens", output}, {"completed", completed}};
  if (scheduled < 0) return;
  events_.push_back(Span("queued", kRequestsPid, id, arrival, scheduled, args));
  if (first_token < 0) return;
  events_.push_back(Span("prefill", kRequestsPid, id, scheduled, first_token, args));
  if (last_token > first_token) events_.push_back(Span("decode", kRequestsPid, id, first_token, last_token, args));
}

void Timeline::OnPreempted(std::uint64_t id, SimTime at, bool swapped) {
  if (id >= limits_.max_requests) return;
  events_.push_back(json{{"name", swapped ? "preempted (swap)" : "preempted (recompute)"},
                         {"ph", "i"}, {"s", "t"}, {"pid", kRequestsPid}, {"tid", id}, {"ts", Us(at)}});
}

json Timeline::ToJson() const {
  json events = json::array();
  events.push_back(Metadata("process_name", kReplicaPid, "replica iterations (one row per pipeline slot)"));
  events.push_back(Metadata("process_name", kRequestsPid, "requests"));
  for (const json& e : events_) events.push_back(e);
  return json{{"traceEvents", std::move(events)}, {"displayTimeUnit", "ms"}};
}

}  // namespace fleetlab
