// libFuzzer target: the scenario parser (ParseScenario, ApplyOverride) on
// arbitrary bytes. Built by `make fuzz` (clang, ASan + UBSan). A crash it
// finds becomes a test in src/server/fuzz_regression_test.cc.
#include <cstddef>
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/parse.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const fleetlab::Catalog catalog = fleetlab::Catalog::LoadDefault().value();
  const std::string text(reinterpret_cast<const char*>(data), size);
  // The input is "JSON" or "JSON\nPATH=VALUE": a scenario and one override.
  const auto newline = text.find('\n');
  nlohmann::json doc = nlohmann::json::parse(text.substr(0, newline), nullptr, false);
  if (doc.is_discarded()) return 0;
  if (newline != std::string::npos) (void)fleetlab::ApplyOverride(doc, text.substr(newline + 1));
  // A trace names a file; the fuzzer must not make the parser read /dev/zero.
  if (doc.is_object() && doc.contains("workload") && doc["workload"].is_object() &&
      doc["workload"].contains("arrival") && doc["workload"]["arrival"].is_object()) {
    doc["workload"]["arrival"].erase("trace");
  }
  (void)fleetlab::ParseScenario(doc, "", &catalog);
  return 0;
}
