#include "fleetlab/util/share_dir.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>

// Set by CMakeLists.txt on this file only, so other objects do not depend on
// where the checkout lives or where it installs.
#ifndef FLEETLAB_SOURCE_DIR
#define FLEETLAB_SOURCE_DIR "."
#endif
#ifndef FLEETLAB_INSTALL_SHARE_DIR
#define FLEETLAB_INSTALL_SHARE_DIR ""
#endif

namespace fleetlab {
namespace {

namespace fs = std::filesystem;

bool IsFolder(const fs::path& p) {
  std::error_code ec;
  return !p.empty() && fs::is_directory(p, ec);
}

// ../share/fleetlab from the running executable's folder ("" when the
// executable cannot be found, as in a browser's WebAssembly).
fs::path BesideExecutable() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return {};
  return exe.parent_path().parent_path() / "share" / "fleetlab";
}

}  // namespace

std::string ShareDirectory() {
  if (const char* env = std::getenv("FLEETLAB_SHARE_DIR"); env != nullptr && IsFolder(env)) return env;
  if (const fs::path beside = BesideExecutable(); IsFolder(beside)) return beside.string();
  const fs::path source(FLEETLAB_SOURCE_DIR);
  if (IsFolder(source / "data")) return source.string();
  if (IsFolder(FLEETLAB_INSTALL_SHARE_DIR)) return FLEETLAB_INSTALL_SHARE_DIR;
  return source.string();
}

}  // namespace fleetlab
