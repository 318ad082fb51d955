#include "cli/bench_file.h"

#include <fmt/format.h>

#include "fleetlab/scenario/parse.h"
#include "fleetlab/util/file.h"
#include "fleetlab/workload/genai_perf.h"

namespace fleetlab::cli {
namespace {

bool IsCsv(const std::string& path) { return path.ends_with(".csv"); }

}  // namespace

std::string BenchFilePath(const std::string& arg) {
  const std::size_t hash = arg.rfind('#');
  if (hash != std::string::npos && IsCsv(arg.substr(0, hash))) return arg.substr(0, hash);
  return arg;
}

Result<VllmBenchResult> ReadBenchFile(const std::string& arg) {
  const std::string path = BenchFilePath(arg);
  if (!IsCsv(path)) {
    auto doc = ReadJsonFile(path, "vLLM result file");
    if (!doc.ok()) return doc.status();
    auto result = ParseVllmBenchResult(*doc);
    if (!result.ok()) return result.status().WithContext(path);
    return result;
  }
  if (path.size() == arg.size()) {
    return Status::InvalidArgument(fmt::format("{}: a GenAI-Perf CSV needs the load it ran at, which it does not "
                                               "record: {}#concurrency=N or {}#rate=R", path, path, path));
  }
  auto load = ParseGenAiPerfLoad(std::string_view(arg).substr(path.size() + 1));
  if (!load.ok()) return load.status().WithContext(arg);
  auto text = ReadTextFile(path, "GenAI-Perf CSV");
  if (!text.ok()) return text.status();
  return ParseGenAiPerfCsv(*text, path, *load);
}

}  // namespace fleetlab::cli
