// AnswerPart: the engine's answer to a track part's question, by the rule
// written in the part's "lab.rule" (one rule kind per file, chosen here).
#include <filesystem>

#include <fmt/format.h>

#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"
#include "tracks/rule.h"

namespace fleetlab {

using nlohmann::json;

Result<TrackAnswer> AnswerPart(const TrackPart& part, const std::vector<std::string>& overrides,
                               const AnswerHooks& hooks) {
  json doc = part.document;
  for (const auto& o : overrides) FLEETLAB_RETURN_IF_ERROR(ApplyOverride(doc, o));
  json rule = part.lab.value("rule", json());
  doc.erase("lab");
  if (!rule.is_object() || !rule.contains("kind") || !rule["kind"].is_string()) {
    return Status::InvalidArgument(fmt::format("{}: lab.rule.kind: missing; must be \"growth\", \"compare\", "
                                               "\"ratio\" or \"value\"", part.file));
  }
  const tracks::Subject subject{std::move(doc), std::filesystem::path(part.file).parent_path().string(), &hooks};
  const std::string kind = rule["kind"];
  Result<TrackAnswer> answer = Status::InvalidArgument("");
  if (kind == "growth") {
    answer = tracks::AnswerGrowth(subject, rule);
  } else if (kind == "compare") {
    answer = tracks::AnswerCompare(subject, rule);
  } else if (kind == "ratio") {
    answer = tracks::AnswerRatio(subject, rule);
  } else if (kind == "value") {
    answer = tracks::AnswerValue(subject, rule);
  } else {
    return Status::InvalidArgument(fmt::format("{}: lab.rule.kind: \"{}\"; must be \"growth\", \"compare\", "
                                               "\"ratio\" or \"value\"", part.file, kind));
  }
  if (!answer.ok()) return answer.status().WithContext(part.file);
  return answer;
}

}  // namespace fleetlab
