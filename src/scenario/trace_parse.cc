#include "scenario/trace_parse.h"

#include <filesystem>
#include <memory>

#include <fmt/format.h>

#include "fleetlab/time.h"

namespace fleetlab {
namespace {

using nlohmann::json;

const std::vector<std::string> kTimedFormats = {"fleetlab", "azure", "burstgpt", "mooncake"};
const std::vector<std::string> kAllFormats = {"fleetlab", "azure", "burstgpt", "mooncake", "sharegpt", "vllm_jsonl"};

Status OnlyFor(const FieldReader& r, const char* key, bool applies, const char* when) {
  if (!r.Has(key) || applies) return Status::Ok();
  return Status::InvalidArgument(fmt::format("{}: applies only when {}", r.PathOf(key), when));
}

const std::string* NamedTrace(const ParseOptions& o, const std::string& name) {
  if (o.named_traces == nullptr) return nullptr;
  const auto it = o.named_traces->find(name);
  return it == o.named_traces->end() ? nullptr : &it->second;
}

std::string TraceNames(const ParseOptions& o) {
  std::string names;
  if (o.named_traces != nullptr) {
    for (const auto& [name, text] : *o.named_traces) names += (names.empty() ? "" : ", ") + name;
  }
  return names.empty() ? "none" : names;
}

// The table named by the "trace" field (a file, or one of the named traces
// when files are not allowed) or given in "trace_data".
Result<TraceTable> ReadTable(const FieldReader& r, const std::string& file, const std::string& data,
                             const TraceReadOptions& read, const ParseOptions& o) {
  if (!file.empty() && !data.empty()) {
    return Status::InvalidArgument(fmt::format("{}: give either \"trace\" or \"trace_data\", not both", r.PathOf("trace")));
  }
  if (file.empty() && data.empty()) {
    return Status::InvalidArgument(fmt::format("{}: missing; give the path of a trace file (or its text in "
                                               "trace_data) in the {} format",
                                               r.PathOf("trace"), TraceFormatName(read.format)));
  }
  Result<TraceTable> table = Status::InvalidArgument("");
  if (!data.empty()) {
    table = ParseTrace(data, r.PathOf("trace_data"), read);
  } else if (!o.allow_files) {
    const std::string* text = NamedTrace(o, file);
    if (text == nullptr) {
      return Status::InvalidArgument(fmt::format("{}: this server reads no file a request names; give the trace's "
                                                 "lines in trace_data, or one of the server's traces ({})",
                                                 r.PathOf("trace"), TraceNames(o)));
    }
    table = ParseTrace(*text, file, read);
  } else {
    std::filesystem::path p(file);
    if (p.is_relative() && !o.base_dir.empty()) p = std::filesystem::path(o.base_dir) / p;
    table = LoadTrace(p.string(), read);
  }
  if (!table.ok()) return table.status().WithContext(r.PathOf(data.empty() ? "trace" : "trace_data"));
  return table;
}

Status ReadFormat(FieldReader& r, const char* key, const std::vector<std::string>& allowed, TraceFormat* out) {
  int index = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Choice(key, allowed, &index));
  if (index >= 0) ParseTraceFormat(allowed[static_cast<std::size_t>(index)], out);
  return Status::Ok();
}

// "trace_window": {"start_s", "end_s"}: positions in the recorded trace,
// which may be longer than any one time a scenario gives (up to the clock's
// horizon, 1e9 s).
Status ParseWindow(const json& v, const std::string& path, TraceWindow* w) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Number("start_s", &w->start_s, Range::Between(0, kHorizonSeconds)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("end_s", &w->end_s, Range{0, kHorizonSeconds, true, false}));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (w->end_s <= w->start_s) {
    return Status::InvalidArgument(fmt::format("{}.end_s: must be greater than start_s ({:g}) (got {:g})", path,
                                               w->start_s, w->end_s));
  }
  return Status::Ok();
}

}  // namespace

Status ParseArrivalTrace(FieldReader& r, bool trace, const ParseOptions& o, Scenario* s) {
  ArrivalOptions& a = s->workload.arrival;
  for (const char* key : {"trace", "trace_data", "trace_format", "speedup", "trace_window", "hash_block_tokens"}) {
    FLEETLAB_RETURN_IF_ERROR(OnlyFor(r, key, trace, "process is \"trace\""));
  }
  std::string data;
  FLEETLAB_RETURN_IF_ERROR(r.String("trace", &a.trace_path));
  FLEETLAB_RETURN_IF_ERROR(r.String("trace_data", &data));
  if (const json* f = r.Child("trace_format"); f != nullptr && (*f == "sharegpt" || *f == "vllm_jsonl")) {
    return Status::InvalidArgument(fmt::format("{}: \"{}\" has no arrival times; replay one of {}, or take its "
                                               "lengths with workload.dataset", r.PathOf("trace_format"),
                                               f->get<std::string>(), "\"fleetlab\", \"azure\", \"burstgpt\", \"mooncake\""));
  }
  FLEETLAB_RETURN_IF_ERROR(ReadFormat(r, "trace_format", kTimedFormats, &a.trace_format));
  FLEETLAB_RETURN_IF_ERROR(r.Number("speedup", &a.window.speedup, Range::Between(1e-6, 1e6)));
  if (r.Has("speedup") && a.rate_per_s > 0) {
    return Status::InvalidArgument(fmt::format("{}: give either speedup or rate_per_s (which rescales the trace to "
                                               "that mean rate), not both", r.PathOf("speedup")));
  }
  if (const json* w = r.Child("trace_window")) FLEETLAB_RETURN_IF_ERROR(ParseWindow(*w, r.PathOf("trace_window"), &a.window));
  std::uint32_t block = static_cast<std::uint32_t>(a.hash_block_tokens);
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("hash_block_tokens", &block, Range::Between(1, 1e6)));
  a.hash_block_tokens = static_cast<std::int32_t>(block);
  FLEETLAB_RETURN_IF_ERROR(OnlyFor(r, "hash_block_tokens", a.trace_format == TraceFormat::kMooncake,
                                   "trace_format is \"mooncake\""));
  if (!trace) return Status::Ok();
  TraceReadOptions read;
  read.format = a.trace_format;
  auto table = ReadTable(r, a.trace_path, data, read, o);
  if (!table.ok()) return table.status();
  FLEETLAB_RETURN_IF_ERROR(ApplyTraceWindow(a.window, r.PathOf(r.Has("trace_window") ? "trace_window" : "trace"), &*table));
  s->trace = std::move(table->records);
  if (!table->hashes.empty()) {
    s->trace_hashes = std::make_shared<const std::vector<std::uint64_t>>(std::move(table->hashes));
  }
  return Status::Ok();
}

Status ParseDataset(const json& v, const ParseOptions& o, Scenario* s) {
  FieldReader r(v, "workload.dataset");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  TraceReadOptions read;
  read.format = TraceFormat::kShareGpt;
  std::string file, data;
  FLEETLAB_RETURN_IF_ERROR(r.String("trace", &file));
  FLEETLAB_RETURN_IF_ERROR(r.String("trace_data", &data));
  FLEETLAB_RETURN_IF_ERROR(ReadFormat(r, "format", kAllFormats, &read.format));
  FLEETLAB_RETURN_IF_ERROR(r.Number("chars_per_token", &read.chars_per_token, Range::Between(0.1, 100)));
  std::uint32_t out = static_cast<std::uint32_t>(read.default_output_tokens);
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("output_tokens", &out, Range::Between(1, 1e7)));
  read.default_output_tokens = static_cast<std::int32_t>(out);
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  const bool text = read.format == TraceFormat::kShareGpt || read.format == TraceFormat::kVllmJsonl;
  FLEETLAB_RETURN_IF_ERROR(OnlyFor(r, "chars_per_token", text, "format is \"sharegpt\" or \"vllm_jsonl\""));
  FLEETLAB_RETURN_IF_ERROR(OnlyFor(r, "output_tokens", read.format == TraceFormat::kVllmJsonl,
                                   "format is \"vllm_jsonl\""));
  auto table = ReadTable(r, file, data, read, o);
  if (!table.ok()) return table.status();
  s->workload.sizes.dataset = std::make_shared<const std::vector<TraceRecord>>(std::move(table->records));
  return Status::Ok();
}

}  // namespace fleetlab
