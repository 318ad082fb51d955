#include "server/classroom/class_event.h"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "server/utf8.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxIdChars = 80;
constexpr std::size_t kMaxAtChars = 40;
constexpr std::size_t kMaxChoiceChars = 64;
constexpr double kMaxAbsValue = 1e15;

// Fields each kind takes besides id, track, part, kind, at.
const char* KindFields(EventKind k) {
  switch (k) {
    case EventKind::kLock: return "choice (a choice question) or value (a number question)";
    case EventKind::kReveal: return "choice, value, match";
    case EventKind::kChallenge: return "passed";
    case EventKind::kReflection: return "text";
  }
  return "";
}

bool KindTakes(EventKind k, const std::string& field) {
  if (field == "id" || field == "track" || field == "part" || field == "kind" || field == "at") return true;
  switch (k) {
    case EventKind::kLock: return field == "choice" || field == "value";
    case EventKind::kReveal: return field == "choice" || field == "value" || field == "match";
    case EventKind::kChallenge: return field == "passed";
    case EventKind::kReflection: return field == "text";
  }
  return false;
}

bool IdChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == ':' || c == '/' || c == '-';
}

std::string Shown(const json& v) { return TruncateUtf8(v.dump(-1, ' ', false, json::error_handler_t::replace), 60); }

// One event object read field by field; the first error is kept.
class EventReader {
 public:
  EventReader(const json& obj, std::string prefix) : obj_(obj), prefix_(std::move(prefix)) {}

  std::optional<ApiError> error;

  std::string Name(const char* field) const { return prefix_ + "." + field; }
  void Fail(ApiError e) {
    if (!error) error = std::move(e);
  }
  const json* Get(const char* field, bool required) {
    const auto it = obj_.find(field);
    if (it != obj_.end() && !it->is_null()) return &*it;
    if (required) Fail(BadRequest(Name(field), fmt::format("{}: required", Name(field))));
    return nullptr;
  }
  std::optional<std::string> String(const char* field, bool required, std::size_t max_chars) {
    const json* v = Get(field, required);
    if (v == nullptr || error) return std::nullopt;
    if (!v->is_string()) {
      Fail(BadRequest(Name(field), fmt::format("{}: must be a string (got {})", Name(field), Shown(*v))));
      return std::nullopt;
    }
    std::string s = v->get<std::string>();
    if (CountChars(s) > max_chars) {
      Fail(BadRequest(Name(field), fmt::format("{}: at most {} characters (got {})", Name(field), max_chars,
                                                  CountChars(s))));
      return std::nullopt;
    }
    return s;
  }
  std::optional<double> Number(const char* field, bool required) {
    const json* v = Get(field, required);
    if (v == nullptr || error) return std::nullopt;
    if (!v->is_number()) {
      Fail(BadRequest(Name(field), fmt::format("{}: must be a number (got {})", Name(field), Shown(*v))));
      return std::nullopt;
    }
    const double d = v->get<double>();
    if (!std::isfinite(d) || std::fabs(d) > kMaxAbsValue) {
      Fail(BadRequest(Name(field), fmt::format("{}: must be between -1e15 and 1e15 (got {})", Name(field), Shown(*v))));
      return std::nullopt;
    }
    return d;
  }
  std::optional<bool> Bool(const char* field, bool required) {
    const json* v = Get(field, required);
    if (v == nullptr || error) return std::nullopt;
    if (!v->is_boolean()) {
      Fail(BadRequest(Name(field), fmt::format("{}: must be true or false (got {})", Name(field), Shown(*v))));
      return std::nullopt;
    }
    return v->get<bool>();
  }

 private:
  const json& obj_;
  std::string prefix_;
};

const TrackPart* FindPart(const std::vector<Track>& tracks, EventReader& r, const std::string& track,
                          const std::string& part) {
  for (const Track& t : tracks) {
    if (t.id != track) continue;
    for (const TrackPart& p : t.parts) {
      if (p.id == part) return &p;
    }
    r.Fail(NotFound(r.Name("part"), fmt::format("{}: no part \"{}\" in track \"{}\"", r.Name("part"),
                                                TruncateUtf8(part, 40), track)));
    return nullptr;
  }
  std::string ids;
  for (const Track& t : tracks) ids += (ids.empty() ? "" : ", ") + t.id;
  r.Fail(NotFound(r.Name("track"), fmt::format("{}: no track \"{}\" (tracks: {})", r.Name("track"),
                                               TruncateUtf8(track, 40), ids.empty() ? "none" : ids)));
  return nullptr;
}

void CheckChoice(EventReader& r, const TrackPart& part, const std::string& choice) {
  std::string ids;
  for (const TrackChoice& c : part.choices) {
    if (c.id == choice) return;
    ids += (ids.empty() ? "" : ", ") + c.id;
  }
  r.Fail(BadRequest(r.Name("choice"), fmt::format("{}: \"{}\" is not a choice of {}/{} (choices: {})",
                                                     r.Name("choice"), TruncateUtf8(choice, 40), part.track, part.id, ids)));
}

// The kind-specific fields of `e`, checked against `part`.
void ReadPayload(EventReader& r, const TrackPart& part, const ClassBounds& bounds, ClassEvent& e) {
  const bool choice_question = part.question_kind == "choice";
  switch (e.kind) {
    case EventKind::kLock:
      if (choice_question) {
        e.choice = r.String("choice", true, kMaxChoiceChars);
        if (e.choice) CheckChoice(r, part, *e.choice);
        if (!r.error && r.Get("value", false)) {
          r.Fail(BadRequest(r.Name("value"), r.Name("value") + ": a choice question's lock takes \"choice\", not \"value\""));
        }
      } else {
        e.value = r.Number("value", true);
        if (!r.error && r.Get("choice", false)) {
          r.Fail(BadRequest(r.Name("choice"), r.Name("choice") + ": a number question's lock takes \"value\", not \"choice\""));
        }
      }
      return;
    case EventKind::kReveal:
      e.choice = r.String("choice", choice_question, kMaxChoiceChars);
      if (choice_question && e.choice) CheckChoice(r, part, *e.choice);
      e.value = r.Number("value", true);
      e.flag = r.Bool("match", true);
      return;
    case EventKind::kChallenge:
      if (part.challenge.is_null()) {
        r.Fail(BadRequest(r.Name("kind"), fmt::format("{}: part {}/{} has no challenge", r.Name("kind"), part.track, part.id)));
      }
      e.flag = r.Bool("passed", true);
      return;
    case EventKind::kReflection:
      e.text = r.String("text", true, bounds.max_reflection_chars);
      if (e.text) {
        for (unsigned char c : *e.text) {
          if ((c < 0x20 && c != '\n' && c != '\r' && c != '\t') || c == 0x7F) {
            r.Fail(BadRequest(r.Name("text"), r.Name("text") + ": control characters other than newline and tab are "
                                                               "not allowed"));
            break;
          }
        }
      }
      return;
  }
}

std::optional<ClassEvent> ReadEvent(const json& v, const std::string& prefix, const std::vector<Track>& tracks,
                                    const ClassBounds& bounds, EventReader& r) {
  ClassEvent e;
  const auto id = r.String("id", true, kMaxIdChars);
  if (id) {
    bool ok = !id->empty();
    for (char c : *id) ok = ok && IdChar(c);
    if (!ok) r.Fail(BadRequest(r.Name("id"), r.Name("id") + ": 1 to 80 of A-Z a-z 0-9 . _ : / -"));
    e.client_id = *id;
  }
  const auto kind_name = r.String("kind", true, 16);
  const auto kind = kind_name ? ParseEventKind(*kind_name) : std::nullopt;
  if (kind_name && !kind) {
    r.Fail(BadRequest(r.Name("kind"), fmt::format("{}: must be lock, reveal, challenge or reflection (got \"{}\")",
                                                  r.Name("kind"), *kind_name)));
  }
  if (r.error) return std::nullopt;
  e.kind = *kind;
  for (const auto& [key, value] : v.items()) {
    if (KindTakes(e.kind, key)) continue;
    r.Fail(ApiError{400, "unknown_field", prefix + "." + key,
                    fmt::format("{}.{}: not a field of a {} event; it takes id, track, part, kind, at and {}", prefix,
                                TruncateUtf8(key, 40), EventKindName(e.kind), KindFields(e.kind))});
    return std::nullopt;
  }
  const auto track = r.String("track", true, 64);
  const auto part_id = r.String("part", true, 64);
  const auto at = r.String("at", false, kMaxAtChars);
  if (r.error) return std::nullopt;
  e.track = *track;
  e.part = *part_id;
  e.client_at = at.value_or("");
  const TrackPart* part = FindPart(tracks, r, e.track, e.part);
  if (part != nullptr) ReadPayload(r, *part, bounds, e);
  if (r.error) return std::nullopt;
  return e;
}

}  // namespace

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kLock: return "lock";
    case EventKind::kReveal: return "reveal";
    case EventKind::kChallenge: return "challenge";
    case EventKind::kReflection: return "reflection";
  }
  return "";
}

std::optional<EventKind> ParseEventKind(const std::string& name) {
  for (EventKind k : {EventKind::kLock, EventKind::kReveal, EventKind::kChallenge, EventKind::kReflection}) {
    if (name == EventKindName(k)) return k;
  }
  return std::nullopt;
}

std::size_t CountChars(const std::string& text) {
  std::size_t n = 0;
  for (unsigned char c : text) n += (c & 0xC0) != 0x80;
  return n;
}

std::optional<ApiError> ReadClassEvents(const json& events, const std::vector<Track>& tracks,
                                        const ClassBounds& bounds, std::vector<ClassEvent>* out) {
  if (!events.is_array()) return BadRequest("events", fmt::format("events: must be an array (got {})", Shown(events)));
  if (events.empty() || events.size() > bounds.max_events_per_request) {
    return BadRequest("events", fmt::format("events: 1 to {} events a request (got {})",
                                               bounds.max_events_per_request, events.size()));
  }
  out->clear();
  for (std::size_t i = 0; i < events.size(); ++i) {
    const std::string prefix = fmt::format("events[{}]", i);
    if (!events[i].is_object()) {
      return BadRequest(prefix, fmt::format("{}: must be an object (got {})", prefix, Shown(events[i])));
    }
    EventReader r(events[i], prefix);
    auto e = ReadEvent(events[i], prefix, tracks, bounds, r);
    if (!e) return r.error;
    out->push_back(std::move(*e));
  }
  return std::nullopt;
}

namespace {

// Whether code point `c` changes how names read without showing: C1
// controls, no-break and other odd spaces, zero-width characters, soft
// hyphens, and the bidirectional marks, embeddings, overrides and isolates
// (a right-to-left override in one nickname reversed the names after it on
// the instructor's roster; "alice" plus a no-break space passed for alice).
bool InvisibleOrBidi(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0xA0 || c == 0xAD || c == 0x1680 || (c >= 0x2000 && c <= 0x200F) ||
         (c >= 0x2028 && c <= 0x202F) || (c >= 0x205F && c <= 0x206F) || c == 0x3000 || c == 0xFEFF;
}

}  // namespace

std::optional<ApiError> CheckNickname(const std::string& nickname, const ClassBounds& bounds) {
  const std::size_t chars = IsValidUtf8(nickname) ? CountChars(nickname) : 0;
  if (chars == 0 || chars > bounds.max_nickname_chars) {
    return BadRequest("nickname", fmt::format("nickname: 1 to {} characters (got {})", bounds.max_nickname_chars, chars));
  }
  for (unsigned char c : nickname) {
    if (c < 0x20 || c == 0x7F) return BadRequest("nickname", "nickname: no control characters");
  }
  if (nickname.front() == ' ' || nickname.back() == ' ') {
    return BadRequest("nickname", "nickname: no leading or trailing spaces");
  }
  for (const char32_t c : CodePoints(nickname)) {
    if (InvisibleOrBidi(c)) {
      return BadRequest("nickname", fmt::format("nickname: no invisible, spacing or direction-changing character "
                                                "(got U+{:04X})", static_cast<std::uint32_t>(c)));
    }
  }
  return std::nullopt;
}

}  // namespace fleetlab::server
