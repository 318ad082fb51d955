// Test helpers for the lab server: a small tracks folder written to a
// temporary directory, and the path of the source tree.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace fleetlab::testing {

// The source tree (for scenarios/ and CMakeLists.txt in tests).
std::string SourceDir();

// A fresh empty temporary directory whose name contains `tag`.
std::string MakeTempDir(const std::string& tag);

// A track part file: an M/M/1 scenario (Poisson 50/s, exponential service
// with mean 10 ms, 2,000 requests of which 100 warm-up) with a "lab" object:
// a choice question, a range control on workload.arrival.rate_per_s, a
// select control on a path the scenario does not set.
nlohmann::json FixturePart(int number);

// Writes <dir>/fixture-track/{track.json, part1..3.json} (order 1).
void WriteFixtureTracks(const std::string& dir);

void WriteFile(const std::string& path, const std::string& text);

}  // namespace fleetlab::testing
