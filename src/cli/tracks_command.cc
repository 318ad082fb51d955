#include "cli/tracks_command.h"

#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/tracks/tracks.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

struct TracksArgs {
  std::string dir;  // empty: the source tree's tracks/
  bool json = false;
  std::vector<std::string> answer;  // TRACK PART
  std::vector<std::string> overrides;
};

void Fail(CommandContext& ctx, const std::string& message) {
  ctx.err << "fleetlab: " << message << "\n";
  ctx.exit_code = 2;
}

std::string ListText(const std::vector<Track>& tracks) {
  std::string out;
  for (const Track& t : tracks) {
    out += fmt::format("{} ({}): {} — {}\n  crisis: {}\n", t.name, t.id, t.persona, t.north_star, t.crisis);
    for (const TrackPart& p : t.parts) {
      out += fmt::format("  {}  {:<34} {}\n", p.id, p.title, p.file);
      out += fmt::format("         Q: {}\n", p.question);
    }
    out += "\n";
  }
  return out + "Run one with `fleetlab run FILE`; ask the engine with `fleetlab tracks --answer TRACK PART`.\n";
}

json ListJson(const std::vector<Track>& tracks) {
  json out = json::array();
  for (const Track& t : tracks) {
    json parts = json::array();
    for (const TrackPart& p : t.parts) {
      parts.push_back({{"id", p.id}, {"number", p.number}, {"title", p.title}, {"file", p.file},
                       {"question", p.question}, {"question_kind", p.question_kind}});
    }
    out.push_back({{"id", t.id}, {"name", t.name}, {"persona", t.persona}, {"north_star", t.north_star},
                   {"crisis", t.crisis}, {"parts", parts}});
  }
  return out;
}

const TrackPart* FindPart(const std::vector<Track>& tracks, const std::string& track, const std::string& part) {
  for (const Track& t : tracks) {
    if (t.id != track) continue;
    for (const TrackPart& p : t.parts) {
      if (p.id == part || std::to_string(p.number) == part) return &p;
    }
  }
  return nullptr;
}

void Answer(CommandContext& ctx, const TracksArgs& a, const std::vector<Track>& tracks) {
  const TrackPart* part = FindPart(tracks, a.answer[0], a.answer[1]);
  if (part == nullptr) return Fail(ctx, fmt::format("--answer {} {}: no such track part (see `fleetlab tracks`)",
                                                    a.answer[0], a.answer[1]));
  auto answer = AnswerPart(*part, a.overrides);
  if (!answer.ok()) return Fail(ctx, answer.status().message());
  if (a.json) {
    ctx.out << json{{"track", part->track}, {"part", part->id}, {"choice", answer->choice},
                    {"value", answer->value}, {"reason", answer->reason}, {"evidence", answer->evidence}}
                   .dump(2)
            << "\n";
    return;
  }
  ctx.out << fmt::format("{} {}: {}\n{}\n\nanswer: {}\n{}\n", part->track, part->id, part->title, part->question,
                         answer->choice.empty() ? fmt::format("{:.3g} {}", answer->value, part->unit)
                                                : answer->choice,
                         answer->reason);
}

}  // namespace

void AddTracksCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("tracks", "List the lab's tracks and parts (each part is a scenario file), or ask "
                                           "the engine to answer a part's question.");
  auto a = std::make_shared<TracksArgs>();
  cmd->add_option("--dir", a->dir, "Tracks folder (default: the source tree's tracks/).");
  cmd->add_flag("--json", a->json, "Print JSON.");
  cmd->add_option("--answer", a->answer, "TRACK PART: run the part's rule and print the engine's answer.")
      ->expected(2);
  cmd->add_option("--set", a->overrides, "PATH=VALUE: change a field of the part's scenario first (repeatable).");
  cmd->callback([&ctx, a]() {
    auto tracks = LoadTracks(a->dir.empty() ? DefaultTracksDir() : a->dir);
    if (!tracks.ok()) return Fail(ctx, tracks.status().message());
    if (!a->answer.empty()) return Answer(ctx, *a, *tracks);
    if (!a->overrides.empty()) return Fail(ctx, "--set: applies only with --answer");
    if (a->json) return (void)(ctx.out << ListJson(*tracks).dump(2) << "\n");
    ctx.out << ListText(*tracks);
  });
}

}  // namespace fleetlab::cli
