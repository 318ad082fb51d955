// LoadTracks: reads tracks/<track>/track.json and part1..part3.json, strictly.
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/tracks/tracks.h"
#include "fleetlab/util/file_set.h"
#include "fleetlab/util/json.h"
#include "fleetlab/util/share_dir.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kParts = 3;
constexpr int kMaxTracks = 4;

// A string field that must be present and non-empty.
Status Required(FieldReader& r, const char* key, std::string* out) {
  if (!r.Has(key)) return Status::InvalidArgument(fmt::format("{}: required (a non-empty string)", r.PathOf(key)));
  FLEETLAB_RETURN_IF_ERROR(r.String(key, out));
  if (out->empty()) return Status::InvalidArgument(fmt::format("{}: must not be empty", r.PathOf(key)));
  return Status::Ok();
}

Status Invalid(const std::string& path, const std::string& message) {
  return Status::InvalidArgument(fmt::format("{}: {}", path, message));
}

// The value at a --set dot path inside `doc`, or null.
json ValueAt(const json& doc, const std::string& path) {
  const json* node = FindAtPath(doc, path);
  return node != nullptr ? *node : json(nullptr);
}

Status ParseChoices(const json& v, const std::string& path, std::vector<TrackChoice>* out) {
  if (!v.is_array()) return Invalid(path, "must be an array of {\"id\", \"label\"} " + Got(v));
  for (std::size_t i = 0; i < v.size(); ++i) {
    FieldReader r(v[i], fmt::format("{}[{}]", path, i));
    FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
    TrackChoice c;
    FLEETLAB_RETURN_IF_ERROR(Required(r, "id", &c.id));
    FLEETLAB_RETURN_IF_ERROR(Required(r, "label", &c.label));
    FLEETLAB_RETURN_IF_ERROR(r.Finish());
    for (const TrackChoice& o : *out) {
      if (o.id == c.id) return Invalid(r.PathOf("id"), fmt::format("\"{}\" appears twice", c.id));
    }
    out->push_back(std::move(c));
  }
  return Status::Ok();
}

Status ParseRange(FieldReader& r, TrackControl* c) {
  for (const char* key : {"min", "max", "step"}) {
    if (!r.Has(key)) return Invalid(r.PathOf(key), "required for kind \"range\" (a number)");
  }
  FLEETLAB_RETURN_IF_ERROR(r.Number("min", &c->min, Range{}));
  FLEETLAB_RETURN_IF_ERROR(r.Number("max", &c->max, Range::Above(c->min)));
  return r.Number("step", &c->step, Range{0, c->max - c->min, true, false});  // in (0, max - min]
}

Status ParseStrings(const json& v, const std::string& path, std::vector<std::string>* out);

// "when": {"path": P, "in": [values]} (or "not_in") and "when_text": the sentence shown
// while the control does not act.
Status ParseWhen(FieldReader& r, TrackControl* c) {
  const json* w = r.Child("when");
  if (w == nullptr) {
    if (r.Has("when_text")) return Invalid(r.PathOf("when_text"), "only with \"when\"");
    return Status::Ok();
  }
  FieldReader wr(*w, r.PathOf("when"));
  FLEETLAB_RETURN_IF_ERROR(wr.CheckObject());
  std::string path;
  FLEETLAB_RETURN_IF_ERROR(Required(wr, "path", &path));
  const json* in = wr.Child("in");
  const json* not_in = wr.Child("not_in");
  if ((in == nullptr) == (not_in == nullptr)) {
    return Invalid(wr.PathOf("in"), "required: \"in\" (the values at which the control acts) or \"not_in\" (those at which it does not), not both");
  }
  const json* list = in != nullptr ? in : not_in;
  if (!list->is_array() || list->empty()) return Invalid(wr.PathOf(in != nullptr ? "in" : "not_in"), "must be a non-empty array " + Got(*list));
  FLEETLAB_RETURN_IF_ERROR(wr.Finish());
  c->when = *w;
  return Required(r, "when_text", &c->when_text);
}

Status ParseControl(const json& v, const std::string& path, const json& scenario, TrackControl* c) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(Required(r, "path", &c->path));
  FLEETLAB_RETURN_IF_ERROR(Required(r, "label", &c->label));
  int kind = 0;
  if (!r.Has("kind")) return Invalid(r.PathOf("kind"), "required: one of range, select, toggle");
  FLEETLAB_RETURN_IF_ERROR(r.Choice("kind", {"range", "select", "toggle"}, &kind));
  c->kind = kind == 0 ? "range" : kind == 1 ? "select" : "toggle";
  FLEETLAB_RETURN_IF_ERROR(r.String("unit", &c->unit));
  if (kind == 0) {
    FLEETLAB_RETURN_IF_ERROR(ParseRange(r, c));
  }
  if (const json* o = r.Child("options")) {
    if (kind == 0) return Invalid(r.PathOf("options"), "only for kinds \"select\" and \"toggle\"");
    if (!o->is_array() || o->empty()) return Invalid(r.PathOf("options"), "must be a non-empty array " + Got(*o));
    if (kind == 2 && o->size() != 2) return Invalid(r.PathOf("options"), "a toggle's options are its [off, on] values " + Got(*o));
    c->options.assign(o->begin(), o->end());
  } else if (kind == 1) {
    return Invalid(r.PathOf("options"), "required for kind \"select\" (a non-empty array of values)");
  }
  if (const json* l = r.Child("labels")) {
    FLEETLAB_RETURN_IF_ERROR(ParseStrings(*l, r.PathOf("labels"), &c->labels));
    if (c->labels.size() != c->options.size()) {
      return Invalid(r.PathOf("labels"), fmt::format("must have one label per option ({} options, got {})",
                                                     c->options.size(), c->labels.size()));
    }
  }
  FLEETLAB_RETURN_IF_ERROR(ParseWhen(r, c));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  c->value = ValueAt(scenario, c->path);
  return Status::Ok();
}

Status ParseStrings(const json& v, const std::string& path, std::vector<std::string>* out) {
  if (!v.is_array()) return Invalid(path, "must be an array of strings " + Got(v));
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string() || v[i].get<std::string>().empty()) {
      return Invalid(fmt::format("{}[{}]", path, i), "must be a non-empty string " + Got(v[i]));
    }
    out->push_back(v[i].get<std::string>());
  }
  return Status::Ok();
}

Status ParseTarget(const json& v, json* out) {
  FieldReader r(v, "lab.target");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  std::string metric, label;
  double bound = 0;
  FLEETLAB_RETURN_IF_ERROR(Required(r, "metric", &metric));
  FLEETLAB_RETURN_IF_ERROR(r.String("label", &label));
  if (!r.Has("max") && !r.Has("min")) return Invalid("lab.target", "needs \"max\" or \"min\" (a number)");
  FLEETLAB_RETURN_IF_ERROR(r.Number("max", &bound, Range{}));
  FLEETLAB_RETURN_IF_ERROR(r.Number("min", &bound, Range{}));
  // What the headline reads: "P99 time to first token at 2 req/s", its
  // unit and the factor from the report's unit ("mW", 1000 for watts).
  std::string text;
  FLEETLAB_RETURN_IF_ERROR(r.String("metric_label", &text));
  FLEETLAB_RETURN_IF_ERROR(r.String("unit", &text));
  FLEETLAB_RETURN_IF_ERROR(r.Number("scale", &bound, Range::Above(0)));
  // The moves that win it from the part's defaults: [{path: value}, ...].
  if (const json* w = r.Child("winning_path")) {
    if (!w->is_array() || w->empty()) return Invalid("lab.target.winning_path", "must be a non-empty array of {path: value} steps " + Got(*w));
    for (const json& step : *w) {
      if (!step.is_object() || step.empty()) return Invalid("lab.target.winning_path", "each step must be an object of {path: value} " + Got(step));
    }
  }
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  *out = v;
  return Status::Ok();
}

// An optional field that must be an object when present (null: absent).
Status OptionalObject(FieldReader& r, const char* key, json* out) {
  const json* v = r.Child(key);
  if (v == nullptr) return Status::Ok();
  if (!v->is_object()) return Invalid(r.PathOf(key), "must be an object or null " + Got(*v));
  *out = *v;
  return Status::Ok();
}

// "budget": {"max": N > 0, "factors": [dot paths], "unit", "rule"}.
Status ParseBudget(FieldReader& lab, json* out) {
  const json* b = lab.Child("budget");
  if (b == nullptr) return Status::Ok();
  FieldReader r(*b, "lab.budget");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  double max = 0;
  if (!r.Has("max")) return Invalid("lab.budget.max", "required (a number > 0)");
  FLEETLAB_RETURN_IF_ERROR(r.Number("max", &max, Range::Above(0)));
  std::vector<std::string> factors;
  const json* f = r.Child("factors");
  if (f == nullptr) return Invalid("lab.budget.factors", "required (an array of dot paths)");
  FLEETLAB_RETURN_IF_ERROR(ParseStrings(*f, "lab.budget.factors", &factors));
  std::string unit, rule;
  FLEETLAB_RETURN_IF_ERROR(r.String("unit", &unit));
  FLEETLAB_RETURN_IF_ERROR(r.String("rule", &rule));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  *out = *b;
  return Status::Ok();
}

Status ParseQuestion(FieldReader& r, TrackPart* p) {
  FLEETLAB_RETURN_IF_ERROR(Required(r, "question", &p->question));
  int kind = 0;
  if (!r.Has("question_kind")) return Invalid(r.PathOf("question_kind"), "required: one of choice, number");
  FLEETLAB_RETURN_IF_ERROR(r.Choice("question_kind", {"choice", "number"}, &kind));
  p->question_kind = kind == 0 ? "choice" : "number";
  if (const json* c = r.Child("choices")) FLEETLAB_RETURN_IF_ERROR(ParseChoices(*c, r.PathOf("choices"), &p->choices));
  if (kind == 0 && p->choices.size() < 2) {
    return Invalid(r.PathOf("choices"), "a \"choice\" question needs at least 2 choices");
  }
  if (kind == 1 && !p->choices.empty()) return Invalid(r.PathOf("choices"), "only for question_kind \"choice\"");
  return r.String("unit", &p->unit);
}

Status ParseLab(const json& lab, const json& scenario, TrackPart* p) {
  FieldReader r(lab, "lab");
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(Required(r, "title", &p->title));
  FLEETLAB_RETURN_IF_ERROR(ParseQuestion(r, p));
  if (const json* cs = r.Child("controls")) {
    if (!cs->is_array()) return Invalid("lab.controls", "must be an array " + Got(*cs));
    for (std::size_t i = 0; i < cs->size(); ++i) {
      TrackControl c;
      FLEETLAB_RETURN_IF_ERROR(ParseControl((*cs)[i], fmt::format("lab.controls[{}]", i), scenario, &c));
      p->controls.push_back(std::move(c));
    }
  }
  if (const json* in = r.Child("instruments")) FLEETLAB_RETURN_IF_ERROR(ParseStrings(*in, "lab.instruments", &p->instruments));
  if (const json* t = r.Child("target")) FLEETLAB_RETURN_IF_ERROR(ParseTarget(*t, &p->target));
  FLEETLAB_RETURN_IF_ERROR(OptionalObject(r, "challenge", &p->challenge));
  FLEETLAB_RETURN_IF_ERROR(OptionalObject(r, "frontier", &p->frontier));
  FLEETLAB_RETURN_IF_ERROR(ParseBudget(r, &p->budget));
  FLEETLAB_RETURN_IF_ERROR(OptionalObject(r, "cost", &p->cost));
  if (const json* m = r.Child("math")) {
    std::vector<std::string> ids;
    FLEETLAB_RETURN_IF_ERROR(ParseStrings(*m, "lab.math", &ids));
    p->math = ids;
  }
  if (const json* f = r.Child("figures")) {
    if (!f->is_array()) return Invalid("lab.figures", "must be an array of {\"metric\", \"label\", \"unit\"} " + Got(*f));
    p->figures = *f;
  }
  FLEETLAB_RETURN_IF_ERROR(Required(r, "reflection", &p->reflection));
  json rule;
  FLEETLAB_RETURN_IF_ERROR(OptionalObject(r, "rule", &rule));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  p->lab = lab;
  return Status::Ok();
}

// The file `relative` of `files` as JSON, named root/relative in errors; a
// missing file fails as a missing file on disk does.
Result<json> ReadJson(const FileSet& files, const std::string& root, const std::string& relative) {
  const std::string file = JoinPath(root, relative);
  const auto it = files.find(relative);
  if (it == files.end()) return Status::NotFound(file + ": cannot open the file");
  return ParseJsonText(it->second, file);
}

Result<TrackPart> LoadPart(const FileSet& files, const std::string& root, const std::string& track, int number,
                           const Catalog& catalog) {
  TrackPart p;
  p.track = track;
  p.number = number;
  p.id = fmt::format("part{}", number);
  p.file = JoinPath(root, track + "/" + p.id + ".json");
  auto doc = ReadJson(files, root, track + "/" + p.id + ".json");
  if (!doc.ok()) return doc.status();
  if (!doc->is_object() || !doc->contains("lab")) return Invalid(p.file, "lab: required (the part's question and controls)");
  if (Status s = ParseLab((*doc)["lab"], *doc, &p); !s.ok()) return s.WithContext(p.file);
  auto scenario = ParseScenario(*doc, JoinPath(root, track), &catalog);
  if (!scenario.ok()) return scenario.status().WithContext(p.file);
  p.document = std::move(doc).value();
  return p;
}

Result<Track> LoadTrack(const FileSet& files, const std::string& root, const std::string& folder,
                        const Catalog& catalog, int* order) {
  const std::string file = JoinPath(root, folder + "/track.json");
  auto doc = ReadJson(files, root, folder + "/track.json");
  if (!doc.ok()) return doc.status();
  Track t;
  FieldReader r(*doc, "");
  Status s = r.CheckObject();
  for (auto [key, out] : {std::pair{"id", &t.id}, {"name", &t.name}, {"persona", &t.persona},
                          {"north_star", &t.north_star}, {"crisis", &t.crisis}}) {
    if (s.ok()) s = Required(r, key, out);
  }
  std::uint32_t o = 0;
  if (s.ok() && !r.Has("order")) s = Invalid("order", fmt::format("required (an integer 1..{})", kMaxTracks));
  if (s.ok()) s = r.Integer32("order", &o, Range::Between(1, kMaxTracks));
  if (s.ok()) s = r.Finish();
  if (s.ok() && t.id != folder) {
    s = Invalid("id", fmt::format("must equal the folder name \"{}\" (got \"{}\")", folder, t.id));
  }
  if (!s.ok()) return s.WithContext(file);
  *order = static_cast<int>(o);
  for (int n = 1; n <= kParts; ++n) {
    auto part = LoadPart(files, root, t.id, n, catalog);
    if (!part.ok()) return part.status();
    t.parts.push_back(std::move(part).value());
  }
  return t;
}

}  // namespace

Result<std::vector<Track>> LoadTracks(const std::string& dir) {
  const std::string root = dir.empty() ? DefaultTracksDir() : dir;
  std::error_code ec;
  if (!fs::is_directory(root, ec)) return Status::NotFound(fmt::format("{}: no such tracks directory", root));
  auto catalog = Catalog::LoadDefault();
  if (!catalog.ok()) return catalog.status().WithContext("catalog");
  auto files = ReadJsonFolder(root, 2);
  if (!files.ok()) return files.status();
  return LoadTracksFromFiles(*files, root, *catalog);
}

Result<std::vector<Track>> LoadTracksFromFiles(const FileSet& files, const std::string& root, const Catalog& catalog) {
  std::vector<std::pair<int, Track>> tracks;
  for (const auto& [relative, text] : files) {
    const auto slash = relative.find('/');
    if (slash == std::string::npos || relative.substr(slash) != "/track.json") continue;
    const std::string folder = relative.substr(0, slash);
    int order = 0;
    auto t = LoadTrack(files, root, folder, catalog, &order);
    if (!t.ok()) return t.status();
    for (const auto& [o, other] : tracks) {
      if (o == order) {
        return Invalid(JoinPath(root, relative), fmt::format("order: {} is also {}'s", order, other.id));
      }
    }
    tracks.emplace_back(order, std::move(t).value());
  }
  std::sort(tracks.begin(), tracks.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<Track> out;
  for (auto& [o, t] : tracks) out.push_back(std::move(t));
  return out;
}

std::string DefaultTracksDir() { return ShareDirectory() + "/tracks"; }

}  // namespace fleetlab
