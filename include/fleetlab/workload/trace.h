// Arrival traces: recorded request arrivals replayed by the trace arrival
// process. Our own format is CSV with one request per line:
//   arrival_s,prompt_tokens,output_tokens
// An optional first line holding exactly those names is skipped; blank lines
// and lines starting with '#' are ignored. Arrival times are seconds from the
// start of the trace and must not decrease.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "fleetlab/status.h"

namespace fleetlab {

struct TraceRecord {
  double arrival_s = 0;
  std::int32_t prompt_tokens = 0;
  std::int32_t output_tokens = 0;
};

// Reads a whole CSV trace. On a malformed line the error names the file, the
// line number and what was expected. An empty trace is an error.
Result<std::vector<TraceRecord>> LoadCsvTrace(const std::string& path);

// Parses trace text; `name` is used in error messages in place of a path.
Result<std::vector<TraceRecord>> ParseCsvTrace(const std::string& text, const std::string& name);

// The Azure LLM inference trace (Patel et al., "Splitwise", ISCA 2024;
// github.com/Azure/AzurePublicDataset): a header line
// TIMESTAMP,ContextTokens,GeneratedTokens, then lines such as
// "2023-11-16 18:15:46.6805900,4808,10". Times become seconds after the
// first request. Errors name the file and line.
Result<std::vector<TraceRecord>> LoadAzureTrace(const std::string& path);
Result<std::vector<TraceRecord>> ParseAzureTrace(const std::string& text, const std::string& name);

}  // namespace fleetlab
