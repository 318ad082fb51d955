// The built front end served from one folder: only regular files whose real
// path (symlinks resolved) lies inside the folder, "/" as index.html, a
// Content-Type from a fixed list of extensions, nothing else.
#pragma once

#include <cstddef>
#include <string>

#include "server/http_message.h"

namespace fleetlab::server {

class StaticFiles {
 public:
  // REQUIRES: `root` holds index.html.
  explicit StaticFiles(const std::string& root);

  // Fills `res` for the decoded path req.path: the file, or a 404 for a
  // path with a "." or ".." segment, a backslash, a file outside the root
  // (through a symlink too), a folder, or a file over kMaxFileBytes.
  void Serve(const HttpRequest& req, HttpResponse& res) const;

  static constexpr std::size_t kMaxFileBytes = 64u << 20;

 private:
  std::string root_;  // canonical, without a trailing '/'
};

// "text/html; charset=utf-8" for "index.html"; application/octet-stream for
// an extension not in the list.
std::string ContentTypeFor(const std::string& file_name);

}  // namespace fleetlab::server
