#include "fleetlab/util/file.h"

#include <filesystem>
#include <fstream>

#include <fmt/format.h>

namespace fleetlab {
namespace {

Status TooLarge(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
  return Status::OutOfRange(fmt::format("{}: the {} holds more than {} bytes, the most fleetlab reads", path, what,
                                        max_bytes));
}

}  // namespace

Result<std::string> ReadTextFile(const std::string& path, const std::string& what, std::uint64_t max_bytes) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::file_status st = fs::status(path, ec);
  if (fs::is_directory(st)) return Status::InvalidArgument(path + ": is a directory, not a " + what);
  if (!ec && !fs::is_regular_file(st) && !fs::is_fifo(st)) {
    return Status::InvalidArgument(path + ": is not a file or a pipe, not a " + what);
  }
  const std::uintmax_t size = fs::is_regular_file(st) ? fs::file_size(path, ec) : 0;
  if (!ec && size > max_bytes) return TooLarge(path, what, max_bytes);
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::NotFound(path + ": cannot open the " + what);
  std::string text;
  if (!ec) text.reserve(size);
  char chunk[1 << 16];
  while (file.read(chunk, sizeof chunk) || file.gcount() > 0) {
    const auto n = static_cast<std::uint64_t>(file.gcount());
    if (text.size() + n > max_bytes) return TooLarge(path, what, max_bytes);
    text.append(chunk, n);
  }
  if (file.bad()) return Status::IoError(path + ": cannot read the " + what);
  return text;
}

}  // namespace fleetlab
