// Arrival traces and request datasets: recorded requests read from the
// formats serving work is published in (docs/scenario.md, "Traces").
//
//   fleetlab    our CSV: arrival_s,prompt_tokens,output_tokens (seconds
//               from the start; the header is optional and, when present,
//               places the columns by name)
//   azure       the Azure LLM inference traces, 2023 and 2024 (Patel et al.,
//               "Splitwise", ISCA 2024; Stojkovic et al., "DynamoLLM",
//               HPCA 2025): TIMESTAMP,ContextTokens,GeneratedTokens with
//               timestamps such as "2023-11-16 18:15:46.6805900" or
//               "2024-05-10 00:00:00.009930+00:00"
//   burstgpt    BurstGPT (Wang et al., 2024): Timestamp (s), Request tokens,
//               Response tokens (Model, Total tokens, Log Type ignored)
//   mooncake    Mooncake's JSONL (Qin et al., FAST 2025): timestamp (ms),
//               input_length, output_length, hash_ids (one id per block of
//               hash_block_tokens prompt tokens; equal ids, equal prefixes)
//   sharegpt    vLLM's ShareGPT benchmark JSON: lengths of each
//               conversation's first two turns, estimated from their text
//   vllm_jsonl  vLLM's custom benchmark JSONL: {"prompt": ..., "output_tokens": N}
//               with token counts from fields, or the prompt's text estimated
//
// CSV columns are found by their header's names, never by position (the
// fleetlab CSV without a header is its documented column order). Every error
// names the input, the line and the column, and quotes at most
// kTraceExcerptChars characters of the line.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "fleetlab/status.h"

namespace fleetlab {

enum class TraceFormat { kFleetlab, kAzure, kBurstGpt, kMooncake, kShareGpt, kVllmJsonl };

// A quoted line in an error message is cut to this many characters.
inline constexpr std::size_t kTraceExcerptChars = 200;

struct TraceRecord {
  double arrival_s = 0;  // seconds after the trace's first request (0 for untimed datasets)
  std::int32_t prompt_tokens = 0;
  std::int32_t output_tokens = 0;
  // Mooncake: the request's prefix block ids are hashes[hash_begin,
  // hash_begin + hash_count) of the table they were read with.
  std::uint32_t hash_begin = 0;
  std::uint32_t hash_count = 0;
};

// What a reader returns: the records in file order, and the prefix-block
// ids they point into (empty unless the format has them).
struct TraceTable {
  std::vector<TraceRecord> records;
  std::vector<std::uint64_t> hashes;
  // Entries skipped as the format's readers do (a ShareGPT conversation
  // with fewer than two turns), for the report of what was read.
  std::uint64_t skipped = 0;
};

struct TraceReadOptions {
  TraceFormat format = TraceFormat::kFleetlab;
  // Text-only formats (sharegpt, a vllm_jsonl line without token counts):
  // tokens = ceil(characters / chars_per_token), characters counted as
  // Unicode code points. 4 is OpenAI's rule of thumb for English text ("one
  // token generally corresponds to ~4 characters"); change it for code or
  // other languages, or give token counts in the file.
  double chars_per_token = 4.0;
  // vllm_jsonl lines without "output_tokens" (vLLM's --custom-output-len,
  // whose default is 256).
  std::int32_t default_output_tokens = 256;
};

// Whether records of this format carry arrival times.
bool TraceFormatTimed(TraceFormat format);
// "fleetlab", "azure", ...; and the reverse (false for an unknown name).
const char* TraceFormatName(TraceFormat format);
bool ParseTraceFormat(std::string_view name, TraceFormat* out);

// Parses a whole trace; `name` stands for the input in messages (a path,
// "workload.arrival.trace_data"). Timed formats: arrivals become seconds
// after the first record, must not decrease, and lie within 1e9 s (the
// clock's horizon) of the first. An input with no records is an error.
Result<TraceTable> ParseTrace(std::string_view text, const std::string& name, const TraceReadOptions& options);
// Reads the file at `path` and parses it.
Result<TraceTable> LoadTrace(const std::string& path, const TraceReadOptions& options);

// The part of a timed trace that is replayed: records whose recorded
// arrival (seconds after the first) lies in [start_s, end_s), their times
// divided by `speedup` (2: twice as fast) and taken from start_s.
struct TraceWindow {
  double start_s = 0;
  double end_s = std::numeric_limits<double>::infinity();
  double speedup = 1;
};
// Applies `window` in place. Errors (naming `field`) when nothing is left,
// or when the replayed span exceeds 1e6 s, the longest time a scenario may
// give. REQUIRES: start_s >= 0, end_s > start_s, speedup > 0.
Status ApplyTraceWindow(const TraceWindow& window, const std::string& field, TraceTable* table);

}  // namespace fleetlab
