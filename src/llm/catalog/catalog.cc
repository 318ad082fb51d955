// The catalog loader (the sizes derived from a shape are in catalog_sizes.cc).
//
// Loading is strict: every field is typed and range-checked by FieldReader,
// unknown fields are errors, every number needs a source, ids equal file
// names and are unique (aliases included), and GPUs and hosts name links
// that exist. Every error is "<file>: <field>: <what is wrong>".
#include "fleetlab/llm/catalog.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "fleetlab/util/file_set.h"
#include "fleetlab/util/json.h"
#include "fleetlab/util/share_dir.h"
#include "llm/catalog/catalog_layers.h"
#include "llm/catalog/catalog_variants.h"
#include "llm/catalog/catalog_calibration.h"
#include "llm/catalog/catalog_engines.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

// The catalog's folders, each of *.json files (data/README.md).
constexpr const char* kFolders[] = {"links", "models", "gpus", "hosts"};

struct DTypeInfo {
  DType dtype;
  const char* name;
  double bytes;
};
constexpr DTypeInfo kDTypes[] = {{DType::kFp32, "fp32", 4}, {DType::kBf16, "bf16", 2}, {DType::kFp16, "fp16", 2},
                                 {DType::kFp8, "fp8", 1},   {DType::kInt8, "int8", 1}, {DType::kInt4, "int4", 0.5},
                                 // 4-bit E2M1 + one E4M3 scale per 16 (NVFP4) or one E8M0 per 32 (MXFP4)
                                 {DType::kNvFp4, "nvfp4", 0.5 + 1.0 / 16}, {DType::kMxFp4, "mxfp4", 0.5 + 1.0 / 32}};

const DTypeInfo& Info(DType d) {
  for (const auto& i : kDTypes) {
    if (i.dtype == d) return i;
  }
  assert(false && "every DType has a row in kDTypes");
  return kDTypes[0];
}

Status Invalid(const std::string& field, const std::string& message) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, message));
}

Status RequireFields(const FieldReader& r, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (!r.Has(k)) return Invalid(k, "missing (required)");
  }
  return Status::Ok();
}

// A positive (or >= min) integer field into an int64.
Status ReadInt(FieldReader& r, const char* key, std::int64_t* out, double min = 1) {
  std::uint64_t v = static_cast<std::uint64_t>(*out);
  FLEETLAB_RETURN_IF_ERROR(r.Integer(key, &v, Range::Between(min, 1e12)));
  *out = static_cast<std::int64_t>(v);
  return Status::Ok();
}

// A number field times `scale` (the unit conversion).
Status ReadScaled(FieldReader& r, const char* key, double scale, double* out, Range range) {
  double v = *out / scale;
  FLEETLAB_RETURN_IF_ERROR(r.Number(key, &v, range));
  *out = v * scale;
  return Status::Ok();
}

// The "sources" map: strings keyed by a field ("peak_tflops") or a nested
// key ("peak_tflops.fp8") of this object.
Status ReadSources(FieldReader& r, const json& object, std::map<std::string, std::string>* out) {
  const json* s = r.Child("sources");
  if (s == nullptr) return Invalid("sources", "missing (required: every number needs a source)");
  if (!s->is_object()) return Invalid("sources", "must be an object of strings " + Got(*s));
  for (const auto& [key, text] : s->items()) {
    const std::string path = "sources." + key;
    if (!text.is_string() || text.get<std::string>().empty()) return Invalid(path, "must be a non-empty string " + Got(text));
    const auto dot = key.find('.');
    const std::string head = key.substr(0, dot);
    const bool names_field = head != "sources" && object.contains(head) &&
                             (dot == std::string::npos ||
                              (object[head].is_object() && object[head].contains(key.substr(dot + 1))));
    if (!names_field) return Invalid(path, "names no field of this object");
    (*out)[key] = text.get<std::string>();
  }
  return Status::Ok();
}

bool ContainsNumber(const json& v) {
  if (v.is_number()) return true;
  if (!v.is_structured()) return false;
  return std::any_of(v.begin(), v.end(), [](const json& e) { return ContainsNumber(e); });
}

// Every number (and every number inside a nested object) has a source; a
// list holding numbers (a layer list) has one source for the whole list.
Status CheckSourced(const json& object, const std::map<std::string, std::string>& sources) {
  for (const auto& [key, value] : object.items()) {
    if (value.is_number() && sources.count(key) == 0) {
      return Invalid(key, fmt::format("number without a source (add sources.{})", key));
    }
    if (value.is_array() && ContainsNumber(value) && sources.count(key) == 0) {
      return Invalid(key, fmt::format("list of numbers without a source (add sources.{})", key));
    }
    if (!value.is_object() || key == "sources") continue;
    for (const auto& [sub, v] : value.items()) {
      const std::string nested = key + "." + sub;
      if (v.is_number() && sources.count(key) == 0 && sources.count(nested) == 0) {
        return Invalid(nested, fmt::format("number without a source (add sources.{} or sources.{})", key, nested));
      }
    }
  }
  return Status::Ok();
}

// The end of every file's parse: its sources read, no field left unread,
// every number sourced.
Status FinishSourced(FieldReader& r, const json& object, std::map<std::string, std::string>* sources) {
  FLEETLAB_RETURN_IF_ERROR(ReadSources(r, object, sources));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  return CheckSourced(object, *sources);
}

// The same for a catalog entry, whose copies share the map.
Status FinishSourced(FieldReader& r, const json& object, Sources* sources) {
  std::map<std::string, std::string> read;
  FLEETLAB_RETURN_IF_ERROR(FinishSourced(r, object, &read));
  *sources = Sources(std::move(read));
  return Status::Ok();
}

Status ReadAliases(FieldReader& r, std::vector<std::string>* out) {
  const json* a = r.Child("aliases");
  if (a == nullptr) return Status::Ok();
  const bool ok = a->is_array() && std::all_of(a->begin(), a->end(), [](const json& e) { return e.is_string(); });
  if (!ok) return Invalid("aliases", "must be a list of strings " + Got(*a));
  for (const auto& e : *a) out->push_back(e.get<std::string>());
  return Status::Ok();
}

Status CheckModelShape(const ModelSpec& m) {
  if (m.heads % m.kv_heads != 0) {
    return Invalid("kv_heads", fmt::format("must divide heads ({}) (got {})", m.heads, m.kv_heads));
  }
  if (m.experts_per_token > m.experts) {
    return Invalid("experts_per_token", fmt::format("must be <= experts ({}) (got {})", m.experts, m.experts_per_token));
  }
  return Status::Ok();
}

Status ParseDecoder(FieldReader& r, ModelSpec* m) {
  FLEETLAB_RETURN_IF_ERROR(
      RequireFields(r, {"layers", "hidden", "heads", "kv_heads", "head_dim", "ffn", "vocab", "max_context"}));
  const std::pair<const char*, std::int64_t*> counts[] = {
      {"layers", &m->layers}, {"hidden", &m->hidden},   {"heads", &m->heads}, {"kv_heads", &m->kv_heads},
      {"head_dim", &m->head_dim}, {"ffn", &m->ffn}, {"vocab", &m->vocab}, {"experts", &m->experts},
      {"experts_per_token", &m->experts_per_token}, {"max_context", &m->max_context}};
  for (const auto& [key, field] : counts) FLEETLAB_RETURN_IF_ERROR(ReadInt(r, key, field));
  std::uint64_t matrices = static_cast<std::uint64_t>(m->ffn_matrices);
  FLEETLAB_RETURN_IF_ERROR(r.Integer("ffn_matrices", &matrices, Range::Between(2, 3)));
  m->ffn_matrices = static_cast<std::int64_t>(matrices);
  FLEETLAB_RETURN_IF_ERROR(r.Bool("tied_embeddings", &m->tied_embeddings));
  FLEETLAB_RETURN_IF_ERROR(catalog_internal::ParseDecoderVariants(r, m));
  return CheckModelShape(*m);
}

// A vision transformer (ViT): no KV cache, a plain two-matrix MLP.
Status ParseEncoder(FieldReader& r, ModelSpec* m) {
  FLEETLAB_RETURN_IF_ERROR(
      RequireFields(r, {"layers", "hidden", "heads", "ffn", "image_size", "patch_size", "channels"}));
  m->ffn_matrices = 2;
  m->experts = m->experts_per_token = 1;
  const std::pair<const char*, std::int64_t*> counts[] = {
      {"layers", &m->layers}, {"hidden", &m->hidden}, {"heads", &m->heads}, {"ffn", &m->ffn},
      {"image_size", &m->image_size}, {"patch_size", &m->patch_size}, {"channels", &m->channels}};
  for (const auto& [key, field] : counts) FLEETLAB_RETURN_IF_ERROR(ReadInt(r, key, field));
  FLEETLAB_RETURN_IF_ERROR(ReadInt(r, "classes", &m->classes, 0));
  std::uint64_t matrices = static_cast<std::uint64_t>(m->ffn_matrices);
  FLEETLAB_RETURN_IF_ERROR(r.Integer("ffn_matrices", &matrices, Range::Between(2, 3)));
  m->ffn_matrices = static_cast<std::int64_t>(matrices);
  if (!r.Has("head_dim") && m->hidden % m->heads != 0) {
    return Invalid("heads", fmt::format("must divide hidden ({}) when head_dim is absent (got {})", m->hidden, m->heads));
  }
  m->head_dim = m->hidden / m->heads;
  FLEETLAB_RETURN_IF_ERROR(ReadInt(r, "head_dim", &m->head_dim));
  if (m->image_size % m->patch_size != 0) {
    return Invalid("patch_size", fmt::format("must divide image_size ({}) (got {})", m->image_size, m->patch_size));
  }
  return Status::Ok();
}

Status ParseLayerModel(FieldReader& r, ModelSpec* m) {
  const json* list = r.Child("layers");
  if (list == nullptr) return Invalid("layers", "missing (required: the list of layers)");
  FLEETLAB_RETURN_IF_ERROR(catalog_internal::ParseLayerList(*list, &m->layer_list));
  m->layers = static_cast<std::int64_t>(m->layer_list.size());
  m->experts = m->experts_per_token = 1;
  return Status::Ok();
}

Status ParseModel(const json& j, ModelSpec* m) {
  FieldReader r(j, "");
  FLEETLAB_RETURN_IF_ERROR(RequireFields(r, {"id", "name"}));
  FLEETLAB_RETURN_IF_ERROR(r.String("id", &m->id));
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &m->name));
  FLEETLAB_RETURN_IF_ERROR(ReadAliases(r, &m->aliases));
  const std::vector<std::string> archs = {"decoder", "encoder", "layers"};
  int arch = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("architecture", archs, &arch));
  m->architecture = archs[static_cast<std::size_t>(arch)];
  if (arch == 0) FLEETLAB_RETURN_IF_ERROR(ParseDecoder(r, m));
  if (arch == 1) FLEETLAB_RETURN_IF_ERROR(ParseEncoder(r, m));
  if (arch == 2) FLEETLAB_RETURN_IF_ERROR(ParseLayerModel(r, m));
  return FinishSourced(r, j, &m->sources);
}

Status ReadPeakFlops(FieldReader& r, std::map<DType, double>* out) {
  const json* p = r.Child("peak_tflops");
  if (p == nullptr) return Invalid("peak_tflops", "missing (required)");
  if (!p->is_object() || p->empty()) return Invalid("peak_tflops", "must be an object like {\"bf16\": 989} " + Got(*p));
  for (const auto& [key, value] : p->items()) {
    const std::string path = "peak_tflops." + key;
    const auto dtype = ParseDType(key);
    if (!dtype) return Invalid(path, "unknown precision; allowed: fp32, bf16, fp16, fp8, int8, int4, nvfp4, mxfp4");
    if (!value.is_number() || !(value.get<double>() > 0)) return Invalid(path, "must be a number > 0 " + Got(value));
    (*out)[*dtype] = value.get<double>() * 1e12;
  }
  return Status::Ok();
}

// The optional power-model fields (data/README.md, "Power").
Status ReadPower(FieldReader& r, GpuSpec* g) {
  FLEETLAB_RETURN_IF_ERROR(r.Number("active_power_w", &g->active_power_w, Range{0, g->power_w, true, false}));
  FLEETLAB_RETURN_IF_ERROR(r.Number("sleep_power_w", &g->sleep_power_w, Range::Between(0, g->idle_power_w)));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "wakeup_energy_uj", 1e-6, &g->wakeup_energy_j, Range::AtLeast(0)));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "energy_pj_per_flop", 1e-12, &g->energy_per_flop_j, Range::AtLeast(0)));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "energy_pj_per_byte", 1e-12, &g->energy_per_byte_j, Range::AtLeast(0)));
  return ReadScaled(r, "sram_kib", 1024, &g->sram_bytes, Range::AtLeast(0));
}

Status ParseGpu(const json& j, GpuSpec* g) {
  FieldReader r(j, "");
  FLEETLAB_RETURN_IF_ERROR(RequireFields(r, {"id", "name", "peak_tflops", "memory_gb", "memory_bandwidth_gbps",
                                             "power_w", "idle_power_w", "scale_up_link"}));
  FLEETLAB_RETURN_IF_ERROR(r.String("id", &g->id));
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &g->name));
  const std::vector<std::string> classes = {"datacenter-gpu", "edge-gpu", "soc", "mcu", "gateway"};
  int device_class = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("device_class", classes, &device_class));
  g->device_class = classes[static_cast<std::size_t>(device_class)];
  FLEETLAB_RETURN_IF_ERROR(ReadPeakFlops(r, &g->peak_flops));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "memory_gb", 1e9, &g->memory_bytes, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "device_memory_mib", 1024.0 * 1024.0, &g->device_memory_bytes, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "memory_bandwidth_gbps", 1e9, &g->memory_bandwidth_Bps, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("power_w", &g->power_w, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("idle_power_w", &g->idle_power_w, Range::Between(0, g->power_w)));
  FLEETLAB_RETURN_IF_ERROR(ReadPower(r, g));
  FLEETLAB_RETURN_IF_ERROR(r.Number("price_per_hour_usd", &g->price_per_hour_usd, Range::AtLeast(0)));
  FLEETLAB_RETURN_IF_ERROR(r.String("scale_up_link", &g->scale_up_link));
  FLEETLAB_RETURN_IF_ERROR(r.String("host_link", &g->host_link));
  FLEETLAB_RETURN_IF_ERROR(r.String("scale_out_link", &g->scale_out_link));
  std::uint32_t per_node = static_cast<std::uint32_t>(g->gpus_per_node);
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("gpus_per_node", &per_node, Range::Between(1, 4096)));
  g->gpus_per_node = static_cast<int>(per_node);
  return FinishSourced(r, j, &g->sources);
}

Status ParseEngine(const json& j, EngineSpec* e) {
  FieldReader r(j, "");
  FLEETLAB_RETURN_IF_ERROR(catalog_internal::ParseEngineFields(r, e));
  return FinishSourced(r, j, &e->sources);
}

Status ParseCalibration(const json& j, CalibrationProfile* p) {
  FieldReader r(j, "");
  FLEETLAB_RETURN_IF_ERROR(catalog_internal::ParseCalibrationFields(r, p));
  return FinishSourced(r, j, &p->sources);
}

Status ParseHost(const json& j, HostSpec* h) {
  FieldReader r(j, "");
  FLEETLAB_RETURN_IF_ERROR(
      RequireFields(r, {"id", "name", "memory_gb", "memory_bandwidth_gbps", "link_to_gpu", "power_w"}));
  FLEETLAB_RETURN_IF_ERROR(r.String("id", &h->id));
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &h->name));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "memory_gb", 1e9, &h->memory_bytes, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "memory_bandwidth_gbps", 1e9, &h->memory_bandwidth_Bps, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(r.String("link_to_gpu", &h->link_to_gpu));
  FLEETLAB_RETURN_IF_ERROR(r.Number("power_w", &h->power_w, Range::AtLeast(0)));
  return FinishSourced(r, j, &h->sources);
}

Status ParseLink(const json& j, LinkSpec* l) {
  FieldReader r(j, "");
  FLEETLAB_RETURN_IF_ERROR(RequireFields(r, {"id", "name", "bandwidth_gbps", "latency_us"}));
  FLEETLAB_RETURN_IF_ERROR(r.String("id", &l->id));
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &l->name));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "bandwidth_gbps", 1e9, &l->bandwidth_Bps, Range::Above(0)));
  double latency_us = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Number("latency_us", &latency_us, Range::AtLeast(0)));
  double p99_us = latency_us;  // no jitter unless given
  const Range p99 = latency_us > 0 ? Range::AtLeast(latency_us) : Range::Between(0, 0);
  FLEETLAB_RETURN_IF_ERROR(r.Number("latency_p99_us", &p99_us, p99));
  l->latency_s = latency_us * 1e-6;
  l->latency_p99_s = p99_us * 1e-6;
  // They are times, so the shared bound on every time holds too (util/field_reader.h).
  double checked_s = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Time("latency_us", &checked_s, TimeUnit::kMicroseconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Time("latency_p99_us", &checked_s, TimeUnit::kMicroseconds, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Number("loss_rate", &l->loss_rate, Range{0, 1, false, true}));
  FLEETLAB_RETURN_IF_ERROR(ReadScaled(r, "energy_nj_per_byte", 1e-9, &l->energy_per_byte_j, Range::AtLeast(0)));
  return FinishSourced(r, j, &l->sources);
}

// Names already taken in one folder (ids and aliases), with the file that took them.
using Taken = std::map<std::string, std::string>;

Status Claim(const std::string& name, const std::string& field, const std::string& file, Taken* taken) {
  const auto [it, inserted] = taken->emplace(name, file);
  if (inserted) return Status::Ok();
  return Invalid(field, fmt::format("\"{}\" is already the id or an alias in {}", name, it->second));
}

template <typename Spec>
Status ClaimNames(const Spec& spec, const std::string& file, Taken* taken) {
  FLEETLAB_RETURN_IF_ERROR(Claim(spec.id, "id", file, taken));
  if constexpr (requires { spec.aliases; }) {
    for (const auto& a : spec.aliases) FLEETLAB_RETURN_IF_ERROR(Claim(a, "aliases", file, taken));
  }
  return Status::Ok();
}

// Loads <folder>/*.json of `files` in file-name order; `parse` fills one
// Spec. Files are named root/<folder>/<file> in errors.
template <typename Spec>
Status LoadFolder(const FileSet& files, const std::string& root, const char* folder,
                  Status (*parse)(const json&, Spec*), std::vector<Spec>* out) {
  Taken taken;
  for (const auto& [relative, text] : FilesIn(files, folder, ".json")) {
    const std::string file = JoinPath(root, *relative);
    auto doc = ParseJsonText(*text, file);
    if (!doc.ok()) return doc.status();
    if (!doc->is_object()) return Status::InvalidArgument(fmt::format("{}: must be a JSON object {}", file, Got(*doc)));
    Spec spec;
    Status s = parse(*doc, &spec);
    const std::string name = relative->substr(std::char_traits<char>::length(folder) + 1);
    const std::string stem = name.substr(0, name.size() - 5);  // without ".json"
    if (s.ok() && spec.id != stem) {
      s = Invalid("id", fmt::format("must equal the file name \"{}\" (got \"{}\")", stem, spec.id));
    }
    if (s.ok()) s = ClaimNames(spec, file, &taken);
    if (!s.ok()) return s.WithContext(file);
    out->push_back(std::move(spec));
  }
  return Status::Ok();
}

Status CheckLink(const Catalog& c, const std::string& link, const char* field, const std::string& file) {
  if (c.FindLink(link) != nullptr) return Status::Ok();
  return Status::InvalidArgument(
      fmt::format("{}: {}: unknown link \"{}\"; known: {}", file, field, link, c.LinkIds()));
}

template <typename Spec>
std::string Ids(const std::vector<Spec>& specs) {
  std::string out;
  for (const auto& s : specs) out += (out.empty() ? "" : ", ") + s.id;
  return out;
}

template <typename Spec>
const Spec* FindById(const std::vector<Spec>& specs, const std::string& id) {
  for (const auto& s : specs) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

}  // namespace

double BytesPerElement(DType d) { return Info(d).bytes; }

const char* DTypeName(DType d) { return Info(d).name; }

std::optional<DType> ParseDType(const std::string& name) {
  for (const auto& i : kDTypes) {
    if (name == i.name) return i.dtype;
  }
  return std::nullopt;
}

Result<Catalog> Catalog::LoadDirectory(const std::string& dir) {
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::NotFound(fmt::format("{}: no such catalog folder (one with models/, gpus/, hosts/, links/)", dir));
  }
  for (const char* folder : kFolders) {
    const fs::path sub = root / folder;
    if (!fs::is_directory(sub, ec)) return Status::NotFound(fmt::format("{}: no such folder", sub.string()));
  }
  auto files = ReadJsonFolder(dir, 2);
  if (!files.ok()) return files.status();
  return LoadFiles(*files, dir);
}

Result<Catalog> Catalog::LoadFiles(const FileSet& files, const std::string& root) {
  Catalog c;
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(files, root, "links", &ParseLink, &c.links_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(files, root, "models", &ParseModel, &c.models_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(files, root, "gpus", &ParseGpu, &c.gpus_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(files, root, "hosts", &ParseHost, &c.hosts_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(files, root, "engines", &ParseEngine, &c.engines_));  // optional folder
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(files, root, "calibration", &ParseCalibration, &c.calibrations_));  // optional
  FLEETLAB_RETURN_IF_ERROR(c.CheckCalibrations(root));
  for (const auto& g : c.gpus_) {
    const std::string file = JoinPath(root, "gpus/" + g.id + ".json");
    FLEETLAB_RETURN_IF_ERROR(CheckLink(c, g.scale_up_link, "scale_up_link", file));
    if (!g.host_link.empty()) FLEETLAB_RETURN_IF_ERROR(CheckLink(c, g.host_link, "host_link", file));
    if (!g.scale_out_link.empty()) FLEETLAB_RETURN_IF_ERROR(CheckLink(c, g.scale_out_link, "scale_out_link", file));
  }
  for (const auto& h : c.hosts_) {
    FLEETLAB_RETURN_IF_ERROR(CheckLink(c, h.link_to_gpu, "link_to_gpu", JoinPath(root, "hosts/" + h.id + ".json")));
  }
  return c;
}

Result<Catalog> Catalog::LoadOverlayDirectory(const std::string& dir) {
  const fs::path root(dir);
  std::error_code ec;
  if (!fs::is_directory(root, ec)) {
    return Status::NotFound(fmt::format("{}: no such catalog folder (one with any of models/, gpus/, hosts/, links/)", dir));
  }
  // An overlay holds only what it changes: a missing folder is empty.
  auto files = ReadJsonFolder(dir, 2);
  if (!files.ok()) return files.status();
  Catalog c;
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(*files, dir, "links", &ParseLink, &c.links_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(*files, dir, "models", &ParseModel, &c.models_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(*files, dir, "gpus", &ParseGpu, &c.gpus_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(*files, dir, "hosts", &ParseHost, &c.hosts_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(*files, dir, "engines", &ParseEngine, &c.engines_));
  FLEETLAB_RETURN_IF_ERROR(LoadFolder(*files, dir, "calibration", &ParseCalibration, &c.calibrations_));
  return c;
}

std::string Catalog::BuiltinDirectory() { return ShareDirectory() + "/data"; }

const ModelSpec* Catalog::FindModel(const std::string& id) const {
  for (const auto& m : models_) {
    if (m.id == id || std::find(m.aliases.begin(), m.aliases.end(), id) != m.aliases.end()) return &m;
  }
  return nullptr;
}

const GpuSpec* Catalog::FindGpu(const std::string& id) const { return FindById(gpus_, id); }
const HostSpec* Catalog::FindHost(const std::string& id) const { return FindById(hosts_, id); }
const LinkSpec* Catalog::FindLink(const std::string& id) const { return FindById(links_, id); }
const EngineSpec* Catalog::FindEngine(const std::string& id) const { return FindById(engines_, id); }

std::string Catalog::ModelIds() const { return Ids(models_); }
std::string Catalog::GpuIds() const { return Ids(gpus_); }
std::string Catalog::LinkIds() const { return Ids(links_); }
std::string Catalog::HostIds() const { return Ids(hosts_); }
std::string Catalog::EngineIds() const { return Ids(engines_); }
std::string Catalog::CalibrationIds() const { return Ids(calibrations_); }

const CalibrationProfile* Catalog::FindCalibration(const std::string& id) const { return FindById(calibrations_, id); }

const CalibrationProfile* Catalog::CalibrationFor(const std::string& gpu, DType dtype, const std::string& engine) const {
  for (const auto& p : calibrations_) {
    if (p.gpu == gpu && p.dtype == dtype && p.Serves(engine)) return &p;
  }
  return nullptr;
}

// Every profile names a GPU and engines this catalog has.
Status Catalog::CheckCalibrations(const std::string& root) const {
  for (const auto& p : calibrations_) {
    const std::string file = JoinPath(root, "calibration/" + p.id + ".json");
    if (FindGpu(p.gpu) == nullptr) {
      return Status::InvalidArgument(fmt::format("{}: gpu: unknown GPU \"{}\"; known: {}", file, p.gpu, GpuIds()));
    }
    for (const auto& e : p.engines) {
      if (FindEngine(e) == nullptr) {
        return Status::InvalidArgument(fmt::format("{}: engines: unknown engine \"{}\"; known: {}", file, e, EngineIds()));
      }
    }
  }
  return Status::Ok();
}

}  // namespace fleetlab
