// A student's ledger event as the class server stores it, and the strict
// reading of the events a POST carries: every field checked against the
// part it names (its choices, its kind of question, whether it has a
// challenge) and the class's bounds, with the field named on error.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "fleetlab/server/classroom.h"
#include "fleetlab/tracks/tracks.h"
#include "server/api.h"

namespace fleetlab::server {

// The four kinds of event the ledger sends.
enum class EventKind { kLock, kReveal, kChallenge, kReflection };

// "lock", "reveal", "challenge", "reflection".
const char* EventKindName(EventKind kind);
std::optional<EventKind> ParseEventKind(const std::string& name);

struct ClassEvent {
  // The client's id for the event, unique per student: a retried POST
  // stores it once. 1..80 of A-Z a-z 0-9 and . _ : / -.
  std::string client_id;
  std::string track, part;  // ids of a part the server knows
  EventKind kind = EventKind::kLock;
  // lock: `choice` (a choice question) or `value` (a number question);
  // reveal: the engine's `choice` (may be "" for a number question),
  // `value`, and `flag` = whether the prediction matched;
  // challenge: `flag` = passed; reflection: `text`.
  std::optional<std::string> choice;
  std::optional<double> value;
  std::optional<bool> flag;
  std::optional<std::string> text;
  std::string client_at;  // the student's clock, ISO 8601 as sent ("" if none); shown, never trusted
};

// Reads `events` (the body's field of that name): an array of 1 to
// bounds.max_events_per_request event objects. Errors name the field as
// "events[3].choice": 400 for a wrong type, a missing or unknown field;
// 422 for a value out of range; 404 for an unknown track or part.
std::optional<ApiError> ReadClassEvents(const nlohmann::json& events, const std::vector<Track>& tracks,
                                        const ClassBounds& bounds, std::vector<ClassEvent>* out);

// A nickname's error (400 naming "nickname"), or nullopt: 1 to
// bounds.max_nickname_chars characters of valid UTF-8, no control
// character, no leading or trailing space.
std::optional<ApiError> CheckNickname(const std::string& nickname, const ClassBounds& bounds);

// Code points in valid UTF-8 `text`.
std::size_t CountChars(const std::string& text);

}  // namespace fleetlab::server
