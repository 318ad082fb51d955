#include "scenario/station_parse.h"

#include <cmath>

#include <fmt/format.h>

#include "scenario/distribution_parse.h"
#include "scenario/station_model.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;

Status ParseBatchTimes(const json* v, const std::string& path, BatchingOptions* b) {
  if (!v->is_array() || v->empty() || v->size() > 4096) {
    return Status::InvalidArgument(fmt::format("{}: must be an array of 1 to 4096 times in ms (entry k-1: a batch "
                                               "of k)", path));
  }
  b->batch_time_s.clear();
  for (std::size_t i = 0; i < v->size(); ++i) {
    double seconds = 0;
    FLEETLAB_RETURN_IF_ERROR(CheckTime(fmt::format("{}[{}]", path, i), (*v)[i], TimeUnit::kMilliseconds,
                                       TimeRange::NonNegative(), &seconds));
    b->batch_time_s.push_back(seconds);
  }
  return Status::Ok();
}

Status ParseBatching(const json& v, const std::string& path, BatchingOptions* b) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("max_batch", &b->max_batch, Range::Between(1, 1e6)));
  const TimeUnit ms = TimeUnit::kMilliseconds;
  FLEETLAB_RETURN_IF_ERROR(r.Time("window_ms", &b->window_s, ms, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Time("fixed_ms", &b->fixed_s, ms, TimeRange::NonNegative()));
  FLEETLAB_RETURN_IF_ERROR(r.Time("per_item_ms", &b->per_item_s, ms, TimeRange::NonNegative()));
  if (const json* t = r.Child("batch_times_ms")) {
    if (r.Has("fixed_ms") || r.Has("per_item_ms")) {
      return Status::InvalidArgument(fmt::format("{}: give either batch_times_ms or fixed_ms/per_item_ms, not both",
                                                 path));
    }
    FLEETLAB_RETURN_IF_ERROR(ParseBatchTimes(t, r.PathOf("batch_times_ms"), b));
  }
  return r.Finish();
}

}  // namespace

Status ParsePower(const json& v, const std::string& path, PowerOptions* p) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.Number("active_w", &p->active_w, Range::Between(0, 1e5)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("idle_w", &p->idle_w, Range::Between(0, 1e5)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("sleep_w", &p->sleep_w, Range::Between(0, 1e5)));
  double wake_mj = p->wake_j * 1e3;
  FLEETLAB_RETURN_IF_ERROR(r.Number("wake_mj", &wake_mj, Range::Between(0, 1e9)));
  p->wake_j = wake_mj / 1e3;
  if (r.Has("sleep_after_ms")) {
    FLEETLAB_RETURN_IF_ERROR(r.Time("sleep_after_ms", &p->sleep_after_s, TimeUnit::kMilliseconds,
                                    TimeRange::NonNegative()));
  }
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (!p->enabled()) {
    return Status::InvalidArgument(fmt::format("{}: give at least one of active_w, idle_w, sleep_w, wake_mj > 0",
                                               path));
  }
  return Status::Ok();
}

Status ParseStation(const json& v, const std::string& path, ParseScope* catalog, StationOptions* st) {
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  const json* model = r.Child("model");
  if (model != nullptr && catalog == nullptr) {
    return Status::InvalidArgument(fmt::format("{}: a model runs only on a station of a request path (\"path\")",
                                               r.PathOf("model")));
  }
  if (model != nullptr) st->service_s = Distribution::Deterministic(0);  // the roofline gives the time; service adds jitter
  FLEETLAB_RETURN_IF_ERROR(r.Integer32("servers", &st->servers, Range::Between(1, 1e5)));
  if (r.Child("queue_capacity") != nullptr) {  // null (or absent): unbounded
    std::uint64_t cap = 0;
    FLEETLAB_RETURN_IF_ERROR(r.Integer("queue_capacity", &cap, Range::Between(0, 1e12)));
    st->queue_capacity = cap;
  }
  if (const json* s = r.Child("service")) {
    auto d = ParseTimeDistributionMs(*s, r.PathOf("service"), true);
    if (!d.ok()) return d.status();
    st->service_s = *d;
  }
  if (const json* b = r.Child("batching")) FLEETLAB_RETURN_IF_ERROR(ParseBatching(*b, r.PathOf("batching"), &st->batching));
  if (const json* p = r.Child("power")) FLEETLAB_RETURN_IF_ERROR(ParsePower(*p, r.PathOf("power"), &st->power));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (model != nullptr) {
    if (r.Has("batching") && (v["batching"].contains("fixed_ms") || v["batching"].contains("per_item_ms") ||
                              v["batching"].contains("batch_times_ms"))) {
      return Status::InvalidArgument(fmt::format("{}.batching: with a model the batch times come from the roofline; "
                                                 "remove fixed_ms, per_item_ms and batch_times_ms", path));
    }
    FLEETLAB_RETURN_IF_ERROR(ParseStationModel(*model, r.PathOf("model"), *catalog, !r.Has("power"), st));
  }
  const auto& times = st->batching.batch_time_s;
  if (!times.empty() && times.size() < st->batching.max_batch) {
    return Status::InvalidArgument(fmt::format("{}.batching.batch_times_ms: needs an entry for every batch size up to "
                                               "max_batch ({}), has {}", path, st->batching.max_batch, times.size()));
  }
  const double full_s = st->batching.BaseTime(st->batching.max_batch);  // a time too, though derived
  if (full_s > kMaxInputSeconds) {
    return Status::InvalidArgument(fmt::format("{}.batching: a full batch of max_batch ({}) would take {:g} ms before "
                                               "its service draw; at most 1e+09 ms (1e6 s, the longest time a "
                                               "scenario may give)", path, st->batching.max_batch, full_s * 1e3));
  }
  if (st->MeanBatchTime(1) <= 0) {
    return Status::InvalidArgument(fmt::format("{}: a batch would take no time at all; give {}.service a positive "
                                               "mean or {}.batching a positive fixed_ms or per_item_ms",
                                               path, path, path));
  }
  return Status::Ok();
}

}  // namespace fleetlab
