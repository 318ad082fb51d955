#include "server/classroom/class_summary.h"

#include <algorithm>
#include <map>
#include <unordered_map>

namespace fleetlab::server {
namespace {

using nlohmann::json;

// The tallies of one part, filled event by event.
struct PartTally {
  const TrackPart* part = nullptr;
  const Track* track = nullptr;
  std::vector<int> lock_counts, reveal_counts;  // aligned with part->choices
  std::vector<double> lock_values, reveal_values;
  int locks = 0, reveals = 0, matched = 0, challenges = 0, passed = 0;
  json reflections = json::array();
};

void CountChoice(const TrackPart& part, const std::optional<std::string>& choice, std::vector<int>& counts) {
  if (!choice) return;
  for (std::size_t i = 0; i < part.choices.size(); ++i) {
    if (part.choices[i].id == *choice) ++counts[i];
  }
}

void Add(PartTally& t, const StoredEvent& row, const std::string& nickname) {
  const ClassEvent& e = row.event;
  switch (e.kind) {
    case EventKind::kLock:
      ++t.locks;
      CountChoice(*t.part, e.choice, t.lock_counts);
      if (e.value) t.lock_values.push_back(*e.value);
      return;
    case EventKind::kReveal:
      ++t.reveals;
      t.matched += e.flag.value_or(false);
      CountChoice(*t.part, e.choice, t.reveal_counts);
      if (e.value) t.reveal_values.push_back(*e.value);
      return;
    case EventKind::kChallenge:
      ++t.challenges;
      t.passed += e.flag.value_or(false);
      return;
    case EventKind::kReflection:
      if (e.text && !e.text->empty()) t.reflections.push_back({{"nickname", nickname}, {"text", *e.text}, {"at", e.client_at}});
      return;
  }
}

json Sorted(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v;
}

json PartJson(PartTally& t) {
  const TrackPart& p = *t.part;
  json choices = json::array();
  for (const TrackChoice& c : p.choices) choices.push_back({{"id", c.id}, {"label", c.label}});
  return {{"track", p.track}, {"track_name", t.track->name}, {"part", p.id}, {"number", p.number}, {"title", p.title}, {"question", p.question},
          {"question_kind", p.question_kind}, {"unit", p.unit}, {"choices", choices},
          {"has_challenge", !p.challenge.is_null()},
          {"locks", {{"students", t.locks}, {"counts", t.lock_counts}, {"values", Sorted(t.lock_values)}}},
          {"reveals", {{"students", t.reveals}, {"matched", t.matched}, {"counts", t.reveal_counts},
                       {"values", Sorted(t.reveal_values)}}},
          {"challenge", {{"students", t.challenges}, {"passed", t.passed}}},
          {"reflections", std::move(t.reflections)}};
}

}  // namespace

json ClassSummary(const std::string& code, const std::vector<Track>& tracks, const ClassSnapshot& snap) {
  std::vector<PartTally> tallies;
  std::map<std::pair<std::string, std::string>, std::size_t> index;
  for (const Track& track : tracks) {
    for (const TrackPart& p : track.parts) {
      index[{p.track, p.id}] = tallies.size();
      PartTally t;
      t.part = &p;
      t.track = &track;
      t.lock_counts.assign(p.choices.size(), 0);
      t.reveal_counts.assign(p.choices.size(), 0);
      tallies.push_back(std::move(t));
    }
  }
  std::unordered_map<std::int64_t, const std::string*> names;
  json roster = json::array();
  for (const StudentInfo& s : snap.students) {
    names[s.id] = &s.nickname;
    roster.push_back({{"nickname", s.nickname}, {"events", s.events}});
  }
  for (const StoredEvent& row : snap.events) {
    const auto it = index.find({row.event.track, row.event.part});
    const auto who = names.find(row.student);
    if (it == index.end() || who == names.end()) continue;  // a part no longer served
    Add(tallies[it->second], row, *who->second);
  }
  json parts = json::array();
  for (PartTally& t : tallies) parts.push_back(PartJson(t));
  return {{"class", code}, {"version", snap.version()}, {"students", snap.students.size()},
          {"events", snap.total_events}, {"roster", roster}, {"parts", parts}};
}

}  // namespace fleetlab::server
