// ParseTrace: one entry point for every trace format (trace.h), and the
// window and speedup of a replay.
#include "fleetlab/workload/trace.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "fleetlab/time.h"
#include "fleetlab/util/file.h"
#include "workload/trace_csv.h"

namespace fleetlab {
namespace {

struct FormatInfo {
  TraceFormat format;
  const char* name;
  bool timed;
};
constexpr FormatInfo kFormats[] = {
    {TraceFormat::kFleetlab, "fleetlab", true},  {TraceFormat::kAzure, "azure", true},
    {TraceFormat::kBurstGpt, "burstgpt", true},  {TraceFormat::kMooncake, "mooncake", true},
    {TraceFormat::kShareGpt, "sharegpt", false}, {TraceFormat::kVllmJsonl, "vllm_jsonl", false},
};

const FormatInfo& Info(TraceFormat f) {
  for (const auto& i : kFormats) {
    if (i.format == f) return i;
  }
  assert(false && "every TraceFormat has a row in kFormats");
  return kFormats[0];
}

}  // namespace

bool TraceFormatTimed(TraceFormat format) { return Info(format).timed; }
const char* TraceFormatName(TraceFormat format) { return Info(format).name; }

bool ParseTraceFormat(std::string_view name, TraceFormat* out) {
  for (const auto& i : kFormats) {
    if (name == i.name) {
      *out = i.format;
      return true;
    }
  }
  return false;
}

Result<TraceTable> ParseTrace(std::string_view text, const std::string& name, const TraceReadOptions& o) {
  using namespace trace_internal;
  TraceTable t;
  Status s;
  switch (o.format) {
    case TraceFormat::kFleetlab: s = ParseFleetlabCsv(text, name, &t); break;
    case TraceFormat::kAzure: s = ParseAzureCsv(text, name, &t); break;
    case TraceFormat::kBurstGpt: s = ParseBurstGptCsv(text, name, &t); break;
    case TraceFormat::kMooncake: s = ParseMooncakeJsonl(text, name, &t); break;
    case TraceFormat::kShareGpt: s = ParseShareGptJson(text, name, o, &t); break;
    case TraceFormat::kVllmJsonl: s = ParseVllmJsonl(text, name, o, &t); break;
  }
  if (!s.ok()) return s;
  if (t.records.empty()) {
    return Status::InvalidArgument(fmt::format("{}: the trace holds no requests ({} format)", name, Info(o.format).name));
  }
  return t;
}

Result<TraceTable> LoadTrace(const std::string& path, const TraceReadOptions& options) {
  auto text = ReadTextFile(path, "trace file");
  if (!text.ok()) return text.status();
  return ParseTrace(*text, path, options);
}

Status ApplyTraceWindow(const TraceWindow& w, const std::string& field, TraceTable* table) {
  assert(w.start_s >= 0 && w.end_s > w.start_s && w.speedup > 0);
  std::vector<TraceRecord>& r = table->records;
  const bool whole = w.start_s == 0 && std::isinf(w.end_s) && w.speedup == 1;
  if (!whole) {
    const double first = r.empty() ? 0 : r.front().arrival_s;
    std::erase_if(r, [&](const TraceRecord& x) {
      const double t = x.arrival_s - first;
      return t < w.start_s || t >= w.end_s;
    });
    if (r.empty()) {
      return Status::InvalidArgument(fmt::format("{}: no request arrives in the window [{:g}, {:g}) s after the "
                                                 "trace's first", field, w.start_s, w.end_s));
    }
    for (TraceRecord& x : r) x.arrival_s = (x.arrival_s - first - w.start_s) / w.speedup;
  }
  const double span = r.back().arrival_s - r.front().arrival_s;
  if (span > kMaxInputSeconds) {
    return Status::InvalidArgument(fmt::format("{}: the replay would span {:g} s; at most 1e6 s (about 11.6 days, the "
                                               "longest time a scenario may give): replay a part of it with "
                                               "trace_window, or faster with speedup", field, span));
  }
  return Status::Ok();
}

}  // namespace fleetlab
