// `fleetlab run --requests FILE.csv`: one row per request as it leaves the
// system, streamed to the file through a fixed buffer (docs/report.md,
// "Per-request output"): the run keeps no more in memory than without it.
#pragma once

#include <cstdio>
#include <string>

#include "fleetlab/request_log.h"
#include "fleetlab/status.h"

namespace fleetlab::cli {

class CsvRequestLog final : public RequestLog {
 public:
  CsvRequestLog() = default;
  ~CsvRequestLog() override;
  CsvRequestLog(const CsvRequestLog&) = delete;
  CsvRequestLog& operator=(const CsvRequestLog&) = delete;

  // Creates (truncates) the file and writes the header; errors name `flag`.
  Status Open(const std::string& path, const std::string& flag);
  void OnRequest(const RequestRecord& r) override;
  // Flushes and closes; an error if any write failed (a full disk).
  Status Close();
  std::uint64_t rows() const { return rows_; }

  // The header line (without its line break).
  static const char* Header();

 private:
  std::FILE* file_ = nullptr;
  std::string path_, flag_;
  std::uint64_t rows_ = 0;
  bool failed_ = false;
};

}  // namespace fleetlab::cli
