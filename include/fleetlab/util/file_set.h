// Files held in memory, by their path relative to a root folder. The catalog
// (data/) and the tracks (tracks/) are parsed from a FileSet: their directory
// loaders read the folder into one first, and a caller without a filesystem
// (the WebAssembly engine, handed the files as one JSON object) passes its
// own, so both paths share one parser and one set of error messages.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "fleetlab/status.h"

namespace fleetlab {

// Relative path, '/'-separated ("gpus/h100-sxm.json") -> the file's text.
using FileSet = std::map<std::string, std::string>;

// Every regular *.json file in `dir` and in its sub-folders down to `depth`
// levels (1: the folder's own files; 2: also those of its sub-folders), by
// relative path. A file that cannot be read fails with ReadTextFile's
// message; a missing folder gives an empty set.
Result<FileSet> ReadJsonFolder(const std::string& dir, int depth);

// How a loader names a file in errors: `root` + "/" + `relative` (no doubled
// '/'; `relative` alone when `root` is empty).
std::string JoinPath(const std::string& root, const std::string& relative);

// The files directly in `folder` of `files` whose names end in `extension`
// ("gpus", ".json": "gpus/a.json", not "gpus/x/b.json"), in name order, as
// (relative path, text) pairs pointing into `files`.
std::vector<std::pair<const std::string*, const std::string*>> FilesIn(const FileSet& files, const std::string& folder,
                                                                      const std::string& extension);

}  // namespace fleetlab
