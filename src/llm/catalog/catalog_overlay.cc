// User catalog folders laid over the built-in one (catalog.h): FLEETLAB_DATA
// and the command line's --data name them. An entry with a built-in id
// replaces it; a new id is added. Names stay unique and links resolve.
#include <algorithm>
#include <cstdlib>
#include <map>

#include <fmt/format.h>

#include "fleetlab/llm/catalog.h"

namespace fleetlab {
namespace {

// Replaces the entry of `spec`'s id, or appends it.
template <typename Spec>
void Put(const Spec& spec, std::vector<Spec>* out) {
  for (Spec& s : *out) {
    if (s.id == spec.id) {
      s = spec;
      return;
    }
  }
  out->push_back(spec);
}

// Every model id and alias names one model.
Status CheckModelNames(const std::vector<ModelSpec>& models, const std::string& dir) {
  std::map<std::string, std::string> taken;  // name -> the model that has it
  for (const ModelSpec& m : models) {
    std::vector<std::string> names = m.aliases;
    names.insert(names.begin(), m.id);
    for (const std::string& n : names) {
      const auto [it, fresh] = taken.emplace(n, m.id);
      if (!fresh) {
        return Status::InvalidArgument(fmt::format("{}: models/{}.json: \"{}\" is already the id or an alias of model "
                                                   "\"{}\"", dir, m.id, n, it->second));
      }
    }
  }
  return Status::Ok();
}

Status CheckLinkOf(const Catalog& c, const std::string& link, const std::string& file, const char* field) {
  if (link.empty() || c.FindLink(link) != nullptr) return Status::Ok();
  return Status::InvalidArgument(fmt::format("{}: {}: unknown link \"{}\"; known: {}", file, field, link, c.LinkIds()));
}

}  // namespace

Status Catalog::Overlay(const Catalog& top, const std::string& dir) {
  Catalog merged = *this;
  for (const auto& l : top.links_) Put(l, &merged.links_);
  for (const auto& m : top.models_) Put(m, &merged.models_);
  for (const auto& g : top.gpus_) Put(g, &merged.gpus_);
  for (const auto& h : top.hosts_) Put(h, &merged.hosts_);
  for (const auto& e : top.engines_) Put(e, &merged.engines_);
  for (const auto& p : top.calibrations_) Put(p, &merged.calibrations_);
  FLEETLAB_RETURN_IF_ERROR(CheckModelNames(merged.models_, dir));
  for (const auto& g : merged.gpus_) {
    const std::string file = fmt::format("{}: gpus/{}.json", dir, g.id);
    FLEETLAB_RETURN_IF_ERROR(CheckLinkOf(merged, g.scale_up_link, file, "scale_up_link"));
    FLEETLAB_RETURN_IF_ERROR(CheckLinkOf(merged, g.host_link, file, "host_link"));
    FLEETLAB_RETURN_IF_ERROR(CheckLinkOf(merged, g.scale_out_link, file, "scale_out_link"));
  }
  for (const auto& h : merged.hosts_) {
    FLEETLAB_RETURN_IF_ERROR(CheckLinkOf(merged, h.link_to_gpu, fmt::format("{}: hosts/{}.json", dir, h.id), "link_to_gpu"));
  }
  FLEETLAB_RETURN_IF_ERROR(merged.CheckCalibrations(dir));
  *this = std::move(merged);
  return Status::Ok();
}

Status Catalog::AddCalibration(const CalibrationProfile& profile) {
  FLEETLAB_RETURN_IF_ERROR(ValidateCalibration(profile));
  Catalog merged = *this;
  Put(profile, &merged.calibrations_);
  FLEETLAB_RETURN_IF_ERROR(merged.CheckCalibrations("calibration " + profile.id));
  *this = std::move(merged);
  return Status::Ok();
}

Result<Catalog> Catalog::LoadWithOverlays(const std::string& base, const std::vector<std::string>& overlays) {
  auto c = LoadDirectory(base);
  if (!c.ok()) return c.status();
  for (const std::string& dir : overlays) {
    auto top = LoadOverlayDirectory(dir);
    if (!top.ok()) return top.status();
    FLEETLAB_RETURN_IF_ERROR(c->Overlay(*top, dir));
  }
  return c;
}

std::vector<std::string> Catalog::OverlayDirectories() {
  std::vector<std::string> dirs;
  const char* env = std::getenv("FLEETLAB_DATA");
  if (env == nullptr) return dirs;
  const std::string list(env);
  std::size_t start = 0;
  while (start <= list.size()) {
    const auto colon = list.find(':', start);
    const std::string dir = list.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    if (!dir.empty()) dirs.push_back(dir);
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return dirs;
}

Result<Catalog> Catalog::LoadDefault() { return LoadWithOverlays(BuiltinDirectory(), OverlayDirectories()); }

}  // namespace fleetlab
