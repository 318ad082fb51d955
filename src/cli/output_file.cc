#include "cli/output_file.h"

#include <fstream>

#include <fmt/format.h>
#include <zlib.h>

namespace fleetlab::cli {

bool EndsWith(const std::string& path, const std::string& suffix) {
  return path.size() >= suffix.size() && path.compare(path.size() - suffix.size(), suffix.size(), suffix) == 0;
}

Status WriteOutputFile(const std::string& path, const std::string& text, const std::string& flag) {
  const auto failed = [&]() { return Status::IoError(fmt::format("{} {}: cannot write the file", flag, path)); };
  if (!EndsWith(path, ".gz")) {
    std::ofstream file(path, std::ios::binary);
    file << text;
    return file ? Status::Ok() : failed();
  }
  gzFile file = gzopen(path.c_str(), "wb6");
  if (file == nullptr) return failed();
  std::size_t written = 0;
  while (written < text.size()) {  // gzwrite takes an unsigned length: in chunks
    const auto chunk = static_cast<unsigned>(std::min<std::size_t>(text.size() - written, 1u << 30));
    if (gzwrite(file, text.data() + written, chunk) != static_cast<int>(chunk)) {
      gzclose(file);
      return failed();
    }
    written += chunk;
  }
  return gzclose(file) == Z_OK ? Status::Ok() : failed();
}

}  // namespace fleetlab::cli
