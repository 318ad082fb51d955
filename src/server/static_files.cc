#include "server/static_files.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <utility>

#include <fmt/format.h>

#include "server/api.h"

namespace fleetlab::server {
namespace {

namespace fs = std::filesystem;

// A relative path of plain segments, or "" if any segment is empty, "." or
// "..", or holds a backslash.
std::string SafeRelative(const std::string& path) {
  const std::string rel = path == "/" ? "index.html" : path.substr(1);
  std::size_t start = 0;
  while (start <= rel.size()) {
    const auto slash = rel.find('/', start);
    const std::string seg = rel.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (seg.empty() || seg == "." || seg == ".." || seg.find('\\') != std::string::npos) return "";
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return rel;
}

bool Inside(const std::string& root, const std::string& file) {
  return file.size() > root.size() && file.compare(0, root.size(), root) == 0 && file[root.size()] == '/';
}

}  // namespace

StaticFiles::StaticFiles(const std::string& root) {
  std::error_code ec;
  root_ = fs::canonical(root, ec).string();
  if (ec) root_ = root;
}

std::string ContentTypeFor(const std::string& file_name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"}, {".css", "text/css; charset=utf-8"},
      {".json", "application/json"}, {".svg", "image/svg+xml"}, {".png", "image/png"},
      {".ico", "image/x-icon"}, {".wasm", "application/wasm"}, {".txt", "text/plain; charset=utf-8"},
      {".map", "application/json"}, {".woff2", "font/woff2"}};
  for (const auto& [ext, type] : kTypes) {
    const std::string e = ext;
    if (file_name.size() > e.size() && file_name.compare(file_name.size() - e.size(), e.size(), e) == 0) return type;
  }
  return "application/octet-stream";
}

void StaticFiles::Serve(const HttpRequest& req, HttpResponse& res) const {
  const std::string rel = SafeRelative(req.path);
  std::error_code ec;
  const std::string real = rel.empty() ? "" : fs::canonical(fs::path(root_) / rel, ec).string();
  const bool ok = !rel.empty() && !ec && Inside(root_, real) && fs::is_regular_file(real, ec) &&
                  fs::file_size(real, ec) <= kMaxFileBytes;
  std::ifstream file(ok ? real : std::string(), std::ios::binary);
  if (!ok || !file) return SendError(res, NotFound("", fmt::format("{}: no such path", req.path)));
  res.status = 200;
  res.content_type = ContentTypeFor(real);
  res.body.assign(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  res.SetHeader("Cache-Control", "no-cache");
  // The page's sign that a lab server (not a static host) serves it: a site
  // page (make site) then uses the server, and its own engine when busy.
  res.SetHeader("X-Fleetlab-Api", "1");
}

}  // namespace fleetlab::server
