// The JSON trace formats: Mooncake's JSONL, vLLM's custom JSONL and the
// ShareGPT JSON array. Every document goes through ParseJsonText (bounded
// depth, no duplicate keys); a big array is split into its elements first,
// so one element is parsed at a time and errors keep their line and column.
#include <cmath>
#include <cstdio>
#include <string>
#include <string_view>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/util/json.h"
#include "workload/trace_csv.h"
#include "workload/trace_text.h"

namespace fleetlab::trace_internal {
namespace {

using nlohmann::json;

// A parse error of a document that starts at (line, column) of the input:
// ParseJsonText's "line L, column C: ..." moved to the input's position.
Status JsonError(const std::string& name, std::int64_t line, std::size_t column, const Status& s,
                 std::string_view text) {
  const std::string& m = s.message();
  long long l = 1;
  std::size_t c = 1;
  std::string rest = m;
  const auto at = m.find("line ");
  if (at != std::string::npos) {
    const auto colon = m.find(": ", at);
    std::sscanf(m.c_str() + at, "line %lld, column %zu", &l, &c);
    rest = m.substr(0, at) + (colon == std::string::npos ? "" : m.substr(colon + 2));
  }
  return LineError(name, line + l - 1, l == 1 ? column + c - 1 : c, rest, text);
}

// The 1-based column of "key" in the line (1 when it cannot be found).
std::size_t KeyColumn(std::string_view line, std::string_view key) {
  const auto at = line.find(fmt::format("\"{}\"", key));
  return at == std::string_view::npos ? 1 : at + 1;
}

// An integer field >= 0 (a JSON number with no fraction) into *out; false if absent.
Status Count(const json& j, const char* key, bool required, std::int32_t* out, const std::string& name,
             std::int64_t no, std::string_view line, bool* present = nullptr) {
  const auto it = j.find(key);
  if (present != nullptr) *present = it != j.end() && !it->is_null();
  if (it == j.end() || it->is_null()) {
    if (!required) return Status::Ok();
    return LineError(name, no, 1, fmt::format("\"{}\" is missing (an integer >= 0)", key), line);
  }
  const double v = it->is_number() ? it->get<double>() : -1;
  if (!(v >= 0 && v < 2147483648.0 && v == std::floor(v))) {
    return LineError(name, no, KeyColumn(line, key), fmt::format("\"{}\" must be an integer between 0 and 2^31 - 1", key),
                     line);
  }
  *out = static_cast<std::int32_t>(v);
  return Status::Ok();
}

Result<json> Object(std::string_view doc, const std::string& name, std::int64_t no, std::size_t column,
                    std::string_view shown) {
  auto j = ParseJsonText(doc, "");
  if (!j.ok()) return JsonError(name, no, column, j.status(), shown);
  if (!j->is_object()) return LineError(name, no, column, "each record must be a JSON object", shown);
  return j;
}

Status HashIds(const json& j, const std::string& name, std::int64_t no, std::string_view line, TraceRecord* r,
               TraceTable* out) {
  const auto it = j.find("hash_ids");
  if (it == j.end() || it->is_null()) return Status::Ok();
  const std::size_t column = KeyColumn(line, "hash_ids");
  if (!it->is_array()) return LineError(name, no, column, "\"hash_ids\" must be a list of integers >= 0", line);
  if (out->hashes.size() + it->size() > UINT32_MAX) {
    return LineError(name, no, column, "the trace holds more than 2^32 hash ids in all", line);
  }
  r->hash_begin = static_cast<std::uint32_t>(out->hashes.size());
  r->hash_count = static_cast<std::uint32_t>(it->size());
  for (const json& h : *it) {
    if (!h.is_number_unsigned()) return LineError(name, no, column, "\"hash_ids\" must be a list of integers >= 0", line);
    out->hashes.push_back(h.get<std::uint64_t>());
  }
  return Status::Ok();
}

// The elements of a top-level JSON array, each with its line and column:
// calls `element(text, line, column)`. Strings and nesting are tracked so
// commas inside them do not split.
template <typename Element>
Status ForEachElement(std::string_view text, const std::string& name, Element element) {
  std::int64_t line = 1;
  std::size_t i = 0, line_start = 0;
  auto skip_space = [&] {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n')) {
      if (text[i] == '\n') ++line, line_start = i + 1;
      ++i;
    }
  };
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = line_start = 3;
  skip_space();
  if (i >= text.size() || text[i] != '[') return LineError(name, line, i - line_start + 1, "expected a JSON array [ ... ] of conversations", "");
  ++i;
  skip_space();
  if (i < text.size() && text[i] == ']') return Status::Ok();
  while (true) {
    const std::size_t start = i, start_col = i - line_start + 1;
    const std::int64_t start_line = line;
    int depth = 0;
    bool in_string = false;
    for (; i < text.size(); ++i) {
      const char c = text[i];
      if (c == '\n') ++line, line_start = i + 1;
      if (in_string) {
        if (c == '\\') ++i;
        else if (c == '"') in_string = false;
        continue;
      }
      if (c == '"') in_string = true;
      else if (c == '[' || c == '{') ++depth;
      else if (c == ']' || c == '}') {
        if (depth == 0) break;
        --depth;
      } else if (c == ',' && depth == 0) break;
    }
    if (i >= text.size()) return LineError(name, line, i - line_start + 1, "the JSON array is not closed", "");
    FLEETLAB_RETURN_IF_ERROR(element(text.substr(start, i - start), start_line, start_col));
    const char end = text[i++];
    if (end == ']') break;
    skip_space();
  }
  skip_space();
  if (i != text.size()) return LineError(name, line, i - line_start + 1, "text after the closing ]", "");
  return Status::Ok();
}

// The text of a ShareGPT turn: "value" (or OpenAI-style "content").
const json* TurnText(const json& turn) {
  if (!turn.is_object()) return nullptr;
  for (const char* key : {"value", "content"}) {
    const auto it = turn.find(key);
    if (it != turn.end() && it->is_string()) return &*it;
  }
  return nullptr;
}

}  // namespace

Status ParseMooncakeJsonl(std::string_view text, const std::string& name, TraceTable* out) {
  Lines lines(text);
  std::string_view line;
  double first_ms = 0;
  while (lines.Next(&line)) {
    if (Trim(line).empty()) continue;
    const std::int64_t no = lines.number();
    auto j = Object(line, name, no, 1, line);
    if (!j.ok()) return j.status();
    const auto ts = j->find("timestamp");
    if (ts == j->end() || !ts->is_number() || !(ts->get<double>() >= 0)) {
      return LineError(name, no, KeyColumn(line, "timestamp"),
                       "\"timestamp\" must be a number of milliseconds >= 0", line);
    }
    if (out->records.empty()) first_ms = ts->get<double>();
    TraceRecord r;
    r.arrival_s = (ts->get<double>() - first_ms) / 1000.0;
    FLEETLAB_RETURN_IF_ERROR(Count(*j, "input_length", true, &r.prompt_tokens, name, no, line));
    FLEETLAB_RETURN_IF_ERROR(Count(*j, "output_length", true, &r.output_tokens, name, no, line));
    FLEETLAB_RETURN_IF_ERROR(HashIds(*j, name, no, line, &r, out));
    FLEETLAB_RETURN_IF_ERROR(AddTimed(r, name, no, KeyColumn(line, "timestamp"), line, out));
  }
  return Status::Ok();
}

Status ParseVllmJsonl(std::string_view text, const std::string& name, const TraceReadOptions& o, TraceTable* out) {
  Lines lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (Trim(line).empty()) continue;
    const std::int64_t no = lines.number();
    auto j = Object(line, name, no, 1, line);
    if (!j.ok()) return j.status();
    TraceRecord r;
    bool counted = false;
    FLEETLAB_RETURN_IF_ERROR(Count(*j, "prompt_tokens", false, &r.prompt_tokens, name, no, line, &counted));
    if (!counted) {
      const auto p = j->find("prompt");
      if (p == j->end() || !p->is_string()) {
        return LineError(name, no, KeyColumn(line, "prompt"),
                         "each line needs \"prompt_tokens\" (an integer) or \"prompt\" (a string)", line);
      }
      r.prompt_tokens = EstimateTokens(p->get_ref<const std::string&>(), o.chars_per_token);
    }
    r.output_tokens = o.default_output_tokens;
    FLEETLAB_RETURN_IF_ERROR(Count(*j, "output_tokens", false, &r.output_tokens, name, no, line));
    out->records.push_back(r);
  }
  return Status::Ok();
}

// vLLM's ShareGPT sampling: the first turn is the prompt, the second the
// answer; conversations with fewer than two turns are skipped (counted).
Status ParseShareGptJson(std::string_view text, const std::string& name, const TraceReadOptions& o, TraceTable* out) {
  return ForEachElement(text, name, [&](std::string_view doc, std::int64_t line, std::size_t column) -> Status {
    const std::string_view shown = doc.substr(0, doc.find('\n'));
    auto j = Object(doc, name, line, column, shown);
    if (!j.ok()) return j.status();
    const auto c = j->find("conversations");
    if (c == j->end() || !c->is_array()) {
      return LineError(name, line, column, "each conversation needs \"conversations\": [{\"from\", \"value\"}, ...]",
                       shown);
    }
    const json* prompt = c->size() >= 2 ? TurnText((*c)[0]) : nullptr;
    const json* answer = c->size() >= 2 ? TurnText((*c)[1]) : nullptr;
    if (c->size() >= 2 && (prompt == nullptr || answer == nullptr)) {
      return LineError(name, line, column, "a turn needs its text in \"value\" (a string)", shown);
    }
    if (prompt == nullptr) {
      ++out->skipped;
      return Status::Ok();
    }
    TraceRecord r;
    r.prompt_tokens = EstimateTokens(prompt->get_ref<const std::string&>(), o.chars_per_token);
    r.output_tokens = EstimateTokens(answer->get_ref<const std::string&>(), o.chars_per_token);
    out->records.push_back(r);
    return Status::Ok();
  });
}

}  // namespace fleetlab::trace_internal
