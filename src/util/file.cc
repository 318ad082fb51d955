#include "fleetlab/util/file.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fleetlab {

Result<std::string> ReadTextFile(const std::string& path, const std::string& what) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) return Status::InvalidArgument(path + ": is a directory, not a " + what);
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::NotFound(path + ": cannot open the " + what);
  std::ostringstream buffer;
  buffer << file.rdbuf();
  if (file.bad()) return Status::IoError(path + ": cannot read the " + what);
  return buffer.str();
}

}  // namespace fleetlab
