#include "fleetlab/util/file.h"

#include <fstream>
#include <sstream>

namespace fleetlab {

Result<std::string> ReadTextFile(const std::string& path, const std::string& what) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status::NotFound(path + ": cannot open the " + what);
  std::ostringstream buffer;
  buffer << file.rdbuf();
  return buffer.str();
}

}  // namespace fleetlab
