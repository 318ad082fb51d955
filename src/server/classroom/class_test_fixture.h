// Test fixtures for the classroom: a small in-memory track (a choice part,
// a number part, a part with a challenge) and event JSON builders.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/tracks/tracks.h"
#include "server/server_test_util.h"

namespace fleetlab::server::testing {

inline std::vector<Track> ClassTracks() {
  Track t;
  t.id = "t";
  t.name = "Test track";
  TrackPart choice;
  choice.track = "t";
  choice.id = "part1";
  choice.number = 1;
  choice.title = "Choices";
  choice.question_kind = "choice";
  choice.choices = {{"linear", "Linearly"}, {"exponential", "Faster and faster"}};
  TrackPart number = choice;
  number.id = "part2";
  number.number = 2;
  number.question_kind = "number";
  number.choices.clear();
  number.unit = "GPUs";
  TrackPart challenge = choice;
  challenge.id = "part3";
  challenge.number = 3;
  challenge.challenge = {{"metric", "cost"}, {"change", -0.5}, {"guard", "e2e_ms.p99"}};
  t.parts = {choice, number, challenge};
  return {t};
}

inline nlohmann::json Lock(const std::string& id, const std::string& choice, const std::string& part = "part1") {
  return {{"id", id}, {"track", "t"}, {"part", part}, {"kind", "lock"}, {"choice", choice}};
}

inline nlohmann::json Reflection(const std::string& id, const std::string& text, const std::string& part = "part1") {
  return {{"id", id}, {"track", "t"}, {"part", part}, {"kind", "reflection"}, {"text", text}};
}

// The server tests' fixture track (three choice parts, server_test_util.h)
// with a challenge on part 3, written under `dir`.
inline void WriteClassFixtureTracks(const std::string& dir) {
  fleetlab::testing::WriteFixtureTracks(dir);
  nlohmann::json part3 = fleetlab::testing::FixturePart(3);
  part3["lab"]["challenge"] = {{"metric", "cost"}, {"change", -0.5}, {"guard", "e2e_ms.p99"}};
  fleetlab::testing::WriteFile(dir + "/fixture-track/part3.json", part3.dump());
}

}  // namespace fleetlab::server::testing
