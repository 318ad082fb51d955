#include "cli/request_csv.h"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>

namespace fleetlab::cli {
namespace {

constexpr std::size_t kBufferBytes = 1 << 20;

const char* PoolName(RequestPool p) {
  switch (p) {
    case RequestPool::kPrefill: return "prefill";
    case RequestPool::kDecode: return "decode";
    case RequestPool::kNone: break;
  }
  return "";
}

// Seconds with nanosecond resolution, or empty for "never".
std::string Seconds(SimTime t) { return t < 0 ? std::string() : fmt::format("{:.9f}", NsToSeconds(t)); }
std::string Ms(SimDuration d) { return fmt::format("{:.6f}", static_cast<double>(d) / 1e6); }

}  // namespace

const char* CsvRequestLog::Header() {
  return "request_id,measured,completed,pool,replica,arrival_s,scheduled_s,first_token_s,end_s,prompt_tokens,"
         "output_tokens,ttft_ms,tpot_ms,e2e_ms,preemptions";
}

CsvRequestLog::~CsvRequestLog() {
  if (file_ != nullptr) std::fclose(file_);
}

Status CsvRequestLog::Open(const std::string& path, const std::string& flag) {
  path_ = path;
  flag_ = flag;
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    return Status::IoError(fmt::format("{} {}: cannot create the file ({})", flag, path, std::strerror(errno)));
  }
  std::setvbuf(file_, nullptr, _IOFBF, kBufferBytes);
  failed_ = std::fprintf(file_, "%s\n", Header()) < 0;
  return Status::Ok();
}

void CsvRequestLog::OnRequest(const RequestRecord& r) {
  if (file_ == nullptr || failed_) return;
  const bool first = r.first_token >= 0;
  // TPOT as the report's: (last - first token) / (n - 1), for n > 1.
  const std::string tpot =
      first && r.completed && r.output_tokens > 1 ? Ms((r.end - r.first_token) / (r.output_tokens - 1)) : "";
  const std::string line = fmt::format(
      "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n", r.id, r.measured ? 1 : 0, r.completed ? 1 : 0,
      PoolName(r.pool), r.replica >= 0 ? std::to_string(r.replica) : "", Seconds(r.arrival), Seconds(r.scheduled),
      Seconds(r.first_token), Seconds(r.end), r.prompt_tokens, r.output_tokens,
      first ? Ms(r.first_token - r.arrival) : "", tpot, r.completed ? Ms(r.end - r.arrival) : "", r.preemptions);
  failed_ = std::fwrite(line.data(), 1, line.size(), file_) != line.size();
  ++rows_;
}

Status CsvRequestLog::Close() {
  if (file_ == nullptr) return Status::Ok();
  const bool flushed = std::fflush(file_) == 0;
  const bool closed = std::fclose(file_) == 0;
  file_ = nullptr;
  if (failed_ || !flushed || !closed) {
    return Status::IoError(fmt::format("{} {}: writing the file failed ({} rows written)", flag_, path_, rows_));
  }
  return Status::Ok();
}

}  // namespace fleetlab::cli
