#include "server/server_test_util.h"

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include <fmt/format.h>

#ifndef FLEETLAB_SOURCE_DIR
#define FLEETLAB_SOURCE_DIR "."
#endif

namespace fleetlab::testing {

namespace fs = std::filesystem;
using nlohmann::json;

std::string SourceDir() { return FLEETLAB_SOURCE_DIR; }

std::string MakeTempDir(const std::string& tag) {
  static std::atomic<int> counter{0};
  const fs::path dir = fs::temp_directory_path() / fmt::format("fleetlab-{}-{}-{}", tag, getpid(), counter++);
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir.string();
}

void WriteFile(const std::string& path, const std::string& text) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

json FixturePart(int number) {
  return json::parse(fmt::format(R"({{
    "name": "fixture part {0}",
    "seed": 7,
    "workload": {{"arrival": {{"process": "poisson", "rate_per_s": 50}}, "requests": 2000, "warmup_requests": 100}},
    "station": {{"servers": 1, "service": {{"distribution": "exponential", "mean_ms": 10}}}},
    "lab": {{
      "title": "Part {0}", "question": "How does P99 grow?", "question_kind": "choice",
      "choices": [{{"id": "linear", "label": "Linearly"}}, {{"id": "exponential", "label": "Faster and faster"}}],
      "controls": [
        {{"path": "workload.arrival.rate_per_s", "label": "Arrival rate", "kind": "range", "unit": "req/s",
          "min": 1, "max": 95, "step": 1}},
        {{"path": "station.servers", "label": "Servers", "kind": "select", "options": [1, 2, 4]}}],
      "instruments": ["frontier"],
      "target": {{"metric": "e2e_ms.p99", "max": 100, "label": "100 ms P99"}},
      "reflection": "Why 80%?",
      "rule": {{"kind": "growth"}}
    }}
  }})", number));
}

void WriteFixtureTracks(const std::string& dir) {
  const std::string track = dir + "/fixture-track";
  WriteFile(track + "/track.json", R"({"id": "fixture-track", "name": "Fixture", "persona": "Tester",
    "north_star": "Every test can fail", "crisis": "A flaky suite", "order": 1})");
  for (int n = 1; n <= 3; ++n) WriteFile(fmt::format("{}/part{}.json", track, n), FixturePart(n).dump(2));
}

}  // namespace fleetlab::testing
