#include "fleetlab/workload/genai_perf.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <vector>

#include <fmt/format.h>

#include "workload/trace_text.h"

namespace fleetlab {
namespace {

using trace_internal::CsvField;
using trace_internal::LineError;
using trace_internal::Lines;
using trace_internal::ParseDouble;
using trace_internal::SplitCsv;
using trace_internal::Trim;

constexpr std::uint64_t kMaxRequests = 10'000'000;

std::string Lower(std::string_view s) {
  std::string out(Trim(s));
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// A number as GenAI-Perf writes it: "5,919.16" (thousands separators) or "8.00".
bool ParseNumber(std::string_view text, double* out) {
  std::string digits;
  for (const char c : Trim(text)) {
    if (c != ',') digits += c;
  }
  return !digits.empty() && ParseDouble(digits, out);
}

// The vLLM metric a distribution row measures, and its unit in ms (0: a
// token count, "" and 0: a row fleetlab does not compare).
struct RowKind {
  std::string metric;  // ttft, tpot, e2el; "isl", "osl" for lengths
  double to_ms = 0;
};

RowKind KindOf(const std::string& row) {
  const auto unit = [&row]() -> double {
    if (row.find("(ms)") != std::string::npos) return 1;
    if (row.find("(ns)") != std::string::npos) return 1e-6;
    if (row.find("(us)") != std::string::npos) return 1e-3;
    if (row.find("(s)") != std::string::npos) return 1e3;
    return -1;  // a latency without a unit
  };
  if (row.starts_with("time to first token")) return {"ttft", unit()};
  if (row.starts_with("inter token latency")) return {"tpot", unit()};  // (e2e - TTFT) / (tokens - 1): vLLM's TPOT
  if (row.starts_with("request latency")) return {"e2el", unit()};
  if (row.starts_with("input sequence length") || row.starts_with("num input token")) return {"isl", 0};
  if (row.starts_with("output sequence length") || row.starts_with("num output token")) return {"osl", 0};
  return {};
}

// vLLM's name of a distribution column: avg -> mean, p50 -> median; p90,
// p95, p99 as they are; the others (min, max, p75, ...) are not compared.
std::string StatName(const std::string& column) {
  if (column == "avg") return "mean";
  if (column == "p50") return "median";
  if (column == "p90" || column == "p95" || column == "p99") return column;
  return "";
}

struct Reader {
  const std::string& name;
  VllmBenchResult* out;
  double requests = 0;

  Status Distribution(const std::vector<CsvField>& header, const std::vector<CsvField>& f, std::int64_t line,
                      std::string_view text) {
    const RowKind kind = KindOf(Lower(f[0].text));
    if (kind.metric.empty()) return Status::Ok();
    if (kind.to_ms < 0) return LineError(name, line, 1, "a latency row must state its unit, (ms) or (ns)", text);
    for (std::size_t i = 1; i < f.size() && i < header.size(); ++i) {
      const std::string stat = StatName(Lower(header[i].text));
      if (stat.empty()) continue;
      double v = 0;
      if (!ParseNumber(f[i].text, &v) || v < 0) {
        return LineError(name, line, f[i].column, "must be a number >= 0", f[i].text);
      }
      if (kind.metric == "isl" || kind.metric == "osl") {
        if (stat == "mean") (kind.metric == "isl" ? out->mean_input_tokens : out->mean_output_tokens) = v;
        continue;
      }
      out->metrics[fmt::format("{}_{}_ms", stat, kind.metric)] = v * kind.to_ms;
    }
    return Status::Ok();
  }

  Status Value(const std::vector<CsvField>& f, std::int64_t line, std::string_view text) {
    const std::string row = Lower(f[0].text);
    const char* key = row.starts_with("output token throughput (per sec)") ? "output_throughput"
                      : row.starts_with("request throughput")               ? "request_throughput"
                      : row.starts_with("request count")                    ? "requests"
                                                                            : nullptr;
    if (key == nullptr || f.size() < 2) return Status::Ok();
    double v = 0;
    if (!ParseNumber(f[1].text, &v) || v < 0) return LineError(name, line, f[1].column, "must be a number >= 0", text);
    if (std::string_view(key) == "requests") {
      requests = v;
    } else {
      out->metrics[key] = v;
    }
    return Status::Ok();
  }
};

Status CheckLoad(const GenAiPerfLoad& load, const std::string& name) {
  if ((load.concurrency > 0) == (load.request_rate > 0)) {
    return Status::InvalidArgument(fmt::format("{}: give the run's load, which the CSV does not record: exactly one of "
                                               "concurrency=N (GenAI-Perf --concurrency) or rate=R (--request-rate)",
                                               name));
  }
  return Status::Ok();
}

Status Finish(const GenAiPerfLoad& load, const std::string& name, double csv_requests, VllmBenchResult* r) {
  const double n = load.requests > 0 ? static_cast<double>(load.requests) : std::round(csv_requests);
  if (!(n >= 1) || n > static_cast<double>(kMaxRequests)) {
    return Status::InvalidArgument(fmt::format("{}: requests: {} (give requests=N between 1 and {})", name,
                                               csv_requests > 0 ? "the Request Count row is out of range"
                                                                : "the CSV has no Request Count row",
                                               kMaxRequests));
  }
  if (r->mean_input_tokens < 1 || r->mean_output_tokens < 1) {
    return Status::InvalidArgument(fmt::format("{}: the Input and Output Sequence Length rows must be there with an "
                                               "avg of at least 1 token (got {:g} and {:g})",
                                               name, r->mean_input_tokens, r->mean_output_tokens));
  }
  if (r->metrics.empty()) return Status::InvalidArgument(name + ": no latency or throughput row fleetlab compares");
  r->requests = static_cast<std::uint64_t>(n);
  r->request_rate = load.request_rate;
  r->max_concurrency = load.concurrency;
  // perf_analyzer spaces requests evenly by default: gamma gaps of CV 0.001.
  r->burstiness = load.request_rate > 0 && !load.poisson ? 1e6 : 1;
  return Status::Ok();
}

}  // namespace

Result<GenAiPerfLoad> ParseGenAiPerfLoad(std::string_view spec) {
  GenAiPerfLoad load;
  std::vector<CsvField> parts;
  if (!SplitCsv(spec, &parts)) return Status::InvalidArgument("GenAI-Perf load: unterminated quote");
  for (const CsvField& p : parts) {
    const std::string_view item = Trim(p.text);
    const std::size_t eq = item.find('=');
    const std::string key = Lower(item.substr(0, eq));
    const std::string_view value = eq == std::string_view::npos ? std::string_view() : Trim(item.substr(eq + 1));
    double v = 0;
    const bool number = ParseDouble(value, &v);
    const auto whole = [&](double lo, double hi) { return number && v == std::floor(v) && v >= lo && v <= hi; };
    if (key == "concurrency" && whole(1, 1e6)) {
      load.concurrency = static_cast<std::uint64_t>(v);
    } else if (key == "requests" && whole(1, static_cast<double>(kMaxRequests))) {
      load.requests = static_cast<std::uint64_t>(v);
    } else if (key == "rate" && number && v >= 1e-6 && v <= 1e9) {
      load.request_rate = v;
    } else if (key == "distribution" && (value == "constant" || value == "poisson")) {
      load.poisson = value == "poisson";
    } else {
      return Status::InvalidArgument(fmt::format(
          "GenAI-Perf load \"{}\": allowed are concurrency=1..1e6, rate=1e-6..1e9 (per second), "
          "distribution=constant|poisson, requests=1..{}",
          trace_internal::Excerpt(item), kMaxRequests));
    }
  }
  return load;
}

Result<VllmBenchResult> ParseGenAiPerfCsv(std::string_view text, const std::string& name, const GenAiPerfLoad& load) {
  FLEETLAB_RETURN_IF_ERROR(CheckLoad(load, name));
  VllmBenchResult r;
  r.metrics = nlohmann::json::object();
  Reader reader{name, &r};
  enum class Block { kNone, kDistribution, kValue, kOther } block = Block::kNone;
  std::vector<CsvField> header, fields;
  Lines lines(text);
  std::string_view line;
  while (lines.Next(&line)) {
    if (Trim(line).empty()) {
      block = Block::kNone;
      continue;
    }
    if (!SplitCsv(line, &fields)) return LineError(name, lines.number(), 1, "unterminated quote", line);
    if (block == Block::kNone) {
      const std::string second = fields.size() > 1 ? Lower(fields[1].text) : "";
      if (Lower(fields[0].text) != "metric") {
        return LineError(name, lines.number(), 1, "expected a header starting \"Metric,\" (GenAI-Perf's CSV)", line);
      }
      block = second == "avg" ? Block::kDistribution : second == "value" ? Block::kValue : Block::kOther;
      header = fields;
      continue;
    }
    if (block == Block::kDistribution) FLEETLAB_RETURN_IF_ERROR(reader.Distribution(header, fields, lines.number(), line));
    if (block == Block::kValue) FLEETLAB_RETURN_IF_ERROR(reader.Value(fields, lines.number(), line));
  }
  FLEETLAB_RETURN_IF_ERROR(Finish(load, name, reader.requests, &r));
  return r;
}

}  // namespace fleetlab
