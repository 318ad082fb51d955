#include "fleetlab/util/file_set.h"

#include <filesystem>

#include "fleetlab/util/file.h"

namespace fleetlab {
namespace {

namespace fs = std::filesystem;

Status ReadLevel(const fs::path& dir, const std::string& prefix, int depth, FileSet* out) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (it->is_directory(ec)) {
      if (depth > 1) FLEETLAB_RETURN_IF_ERROR(ReadLevel(it->path(), prefix + name + "/", depth - 1, out));
      continue;
    }
    if (it->path().extension() != ".json" || !it->is_regular_file(ec)) continue;
    auto text = ReadTextFile(it->path().string(), "file");
    if (!text.ok()) return text.status();
    (*out)[prefix + name] = std::move(text).value();
  }
  return Status::Ok();
}

}  // namespace

Result<FileSet> ReadJsonFolder(const std::string& dir, int depth) {
  FileSet out;
  FLEETLAB_RETURN_IF_ERROR(ReadLevel(fs::path(dir), "", depth, &out));
  return out;
}

std::string JoinPath(const std::string& root, const std::string& relative) {
  if (root.empty()) return relative;
  return root.back() == '/' ? root + relative : root + "/" + relative;
}

std::vector<std::pair<const std::string*, const std::string*>> FilesIn(const FileSet& files, const std::string& folder,
                                                                      const std::string& extension) {
  std::vector<std::pair<const std::string*, const std::string*>> out;
  const std::string prefix = folder.empty() ? "" : folder + "/";
  for (auto it = files.lower_bound(prefix); it != files.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    const std::string& path = it->first;
    const bool direct = path.find('/', prefix.size()) == std::string::npos;
    const bool named = path.size() > prefix.size() + extension.size() &&
                       path.compare(path.size() - extension.size(), extension.size(), extension) == 0;
    if (direct && named) out.emplace_back(&it->first, &it->second);
  }
  return out;
}

}  // namespace fleetlab
