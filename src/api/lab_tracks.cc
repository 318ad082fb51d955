// fleetlab.h's lab tracks: a thin layer over tracks/tracks.h.
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/fleetlab.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"
#include "fleetlab/util/file_set.h"

namespace fleetlab {
namespace {

LabPart PartOf(const TrackPart& p) {
  LabPart out{p.track, p.id, p.title, p.question, p.question_kind, {}, {}, p.unit, p.file};
  for (const TrackChoice& c : p.choices) {
    out.choice_ids.push_back(c.id);
    out.choice_labels.push_back(c.label);
  }
  return out;
}

Result<std::vector<Track>> Load(const std::string& dir, const Catalog* catalog) {
  const std::string root = dir.empty() ? DefaultTracksDir() : dir;
  if (catalog == nullptr) return LoadTracks(root);
  auto files = ReadJsonFolder(root, 2);
  if (!files.ok()) return files.status();
  return LoadTracksFromFiles(*files, root, *catalog);
}

// The part `track`/`part`, kept alive with its tracks.
Result<TrackPart> Find(const std::string& track, const std::string& part, const std::string& dir,
                       const Catalog* catalog) {
  auto tracks = Load(dir, catalog);
  if (!tracks.ok()) return tracks.status();
  std::string known;
  for (const Track& t : *tracks) {
    known += (known.empty() ? "" : ", ") + t.id;
    if (t.id != track) continue;
    for (const TrackPart& p : t.parts) {
      if (p.id == part) return p;
    }
    return Status::NotFound(fmt::format("part: \"{}\" is not a part of {} (part1, part2, part3)", part, track));
  }
  return Status::NotFound(fmt::format("track: unknown track \"{}\"; known: {}", track, known));
}

}  // namespace

Result<std::vector<LabTrack>> LoadLabTracks(const std::string& dir, const Catalog* catalog) {
  auto tracks = Load(dir, catalog);
  if (!tracks.ok()) return tracks.status();
  std::vector<LabTrack> out;
  for (const Track& t : *tracks) {
    LabTrack lt{t.id, t.name, {}};
    for (const TrackPart& p : t.parts) lt.parts.push_back(PartOf(p));
    out.push_back(std::move(lt));
  }
  return out;
}

Result<Scenario> LabPartScenario(const std::string& track, const std::string& part,
                                 const std::vector<std::string>& overrides, const std::string& dir,
                                 const Catalog* catalog) {
  auto p = Find(track, part, dir, catalog);
  if (!p.ok()) return p.status();
  ScenarioOptions o;
  o.catalog = catalog;
  o.overrides = overrides;
  o.base_dir = std::filesystem::path(p->file).parent_path().string();  // a trace beside the part's file
  return ParseScenarioText(p->document.dump(), o);
}

Result<LabAnswer> AnswerLabPart(const std::string& track, const std::string& part,
                                const std::vector<std::string>& overrides, const std::string& dir,
                                const Catalog* catalog) {
  auto p = Find(track, part, dir, catalog);
  if (!p.ok()) return p.status();
  AnswerHooks hooks;
  hooks.catalog = catalog;
  auto a = AnswerPart(*p, overrides, hooks);
  if (!a.ok()) return a.status();
  return LabAnswer{a->choice, a->value, a->reason, a->evidence.dump()};
}

}  // namespace fleetlab
