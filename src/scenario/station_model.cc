#include "scenario/station_model.h"

#include <memory>

#include <fmt/format.h>

#include "fleetlab/llm/inference_cost.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;

struct ModelPlacement {
  const ModelSpec* model = nullptr;
  const GpuSpec* device = nullptr;
  const LinkSpec* link = nullptr;
  std::shared_ptr<const CalibrationProfile> calibration;  // null: the roofline's constants
  InferenceShape shape;
  double sleep_after_s = -1;
};

// "calibration": a profile id (a decoder on the profile's GPU and dtype;
// EstimateInference checks both), as the first engine it serves runs it.
Status ReadCalibration(FieldReader& r, const Catalog& c, ModelPlacement* p) {
  std::string id;
  FLEETLAB_RETURN_IF_ERROR(r.String("calibration", &id));
  if (id.empty()) return Status::Ok();
  const CalibrationProfile* found = c.FindCalibration(id);
  if (found == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: unknown profile \"{}\"; must be one of {}",
                                               r.PathOf("calibration"), id, c.CalibrationIds()));
  }
  p->calibration = ProfileAsServed(*found);
  return Status::Ok();
}

Status ReadIds(FieldReader& r, const Catalog& c, ModelPlacement* p) {
  std::string model, device, link;
  FLEETLAB_RETURN_IF_ERROR(r.String("model", &model));
  FLEETLAB_RETURN_IF_ERROR(r.String("device", &device));
  FLEETLAB_RETURN_IF_ERROR(r.String("link", &link));
  p->model = c.FindModel(model);
  if (p->model == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: unknown model \"{}\"; must be one of {}", r.PathOf("model"),
                                               model, c.ModelIds()));
  }
  p->device = c.FindGpu(device);
  if (p->device == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: unknown device \"{}\"; must be one of {}", r.PathOf("device"),
                                               device, c.GpuIds()));
  }
  if (link.empty()) link = p->device->scale_up_link;
  p->link = link.empty() ? nullptr : c.FindLink(link);
  if (!link.empty() && p->link == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: unknown link \"{}\"; must be one of {}", r.PathOf("link"), link,
                                               c.LinkIds()));
  }
  return ReadCalibration(r, c, p);
}

Status ReadShape(FieldReader& r, ModelPlacement* p) {
  InferenceShape& s = p->shape;
  const double layers = static_cast<double>(LayerCount(*p->model));
  std::uint32_t tp = 1, pp = 1, first = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("tp", &tp, Range::Between(1, 64)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("pp", &pp, Range::Between(1, 64)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("first_layer", &first, Range::Between(0, layers - 1)));
  double last = layers;
  FLEETLAB_RETURN_IF_ERROR(r.Number("last_layer", &last, Range::Between(first + 1, layers)));
  std::uint64_t tokens = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Integer("tokens", &tokens, Range::Between(0, 1e6)));
  std::string dtype = DTypeName(s.dtype);
  FLEETLAB_RETURN_IF_ERROR(r.String("dtype", &dtype));
  const auto d = ParseDType(dtype);
  if (!d) return Status::InvalidArgument(fmt::format("{}: unknown type \"{}\"", r.PathOf("dtype"), dtype));
  double overhead_s = 0, sleep_s = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Time("overhead_ms", &overhead_s, TimeUnit::kMilliseconds, TimeRange::UpTo(1e3)));
  FLEETLAB_RETURN_IF_ERROR(r.Time("sleep_after_ms", &sleep_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
  s.tp = static_cast<int>(tp);
  s.pp = static_cast<int>(pp);
  s.first_layer = static_cast<int>(first);
  s.last_layer = static_cast<int>(last);
  s.tokens = static_cast<std::int64_t>(tokens);
  s.dtype = *d;
  s.overhead_s = overhead_s;
  p->sleep_after_s = sleep_s;
  return Status::Ok();
}

// Power of one server: tp x pp devices.
PowerOptions DevicePower(const GpuSpec& g, int devices, double sleep_after_s) {
  PowerOptions p;
  p.active_w = devices * g.ActivePowerW();
  p.idle_w = devices * g.idle_power_w;
  p.sleep_w = devices * g.sleep_power_w;
  p.wake_j = devices * g.wakeup_energy_j;
  if (sleep_after_s >= 0) p.sleep_after_s = sleep_after_s;
  return p;
}

}  // namespace

Status ParseStationModel(const json& v, const std::string& path, ParseScope& catalog, bool device_power,
                         StationOptions* st) {
  auto c = catalog.Get();
  if (!c.ok()) return c.status();
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  ModelPlacement p;
  FLEETLAB_RETURN_IF_ERROR(ReadIds(r, **c, &p));
  FLEETLAB_RETURN_IF_ERROR(ReadShape(r, &p));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (!catalog.TakeModelBatches(st->batching.max_batch)) {
    return Status::InvalidArgument(fmt::format(
        "{}: prices every batch size up to batching.max_batch ({}), and the scenario's station models may price at "
        "most {} in all ({} left here)", path, st->batching.max_batch, ParseScope::kMaxModelBatches,
        catalog.model_batches_left()));
  }
  st->batching.batch_time_s.clear();
  const auto keep = [&](int batch, const InferenceCost& cost) {
    if (!cost.fits) {
      return Status::InvalidArgument(fmt::format("does not fit: {} ({} on {}, batch {})", cost.fit_note, p.model->id,
                                                 p.device->id, batch));
    }
    st->batching.batch_time_s.push_back(cost.seconds);
    return Status::Ok();
  };
  FLEETLAB_RETURN_IF_ERROR(EstimateInferenceBatches(*p.model, *p.device, p.link, p.shape,
                                                    static_cast<int>(st->batching.max_batch), PerfEfficiency{},
                                                    p.calibration, keep)
                               .WithContext(path));
  if (device_power) st->power = DevicePower(*p.device, p.shape.tp * p.shape.pp, p.sleep_after_s);
  return Status::Ok();
}

}  // namespace fleetlab
