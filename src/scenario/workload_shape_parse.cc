#include "scenario/workload_shape_parse.h"

#include <set>

#include <fmt/format.h>

#include "scenario/distribution_parse.h"
#include "util/field_reader.h"

namespace fleetlab {
namespace {

using nlohmann::json;
using Kind = RateProfileOptions::Kind;

constexpr std::size_t kMaxPoints = 10000;
constexpr std::size_t kMaxClasses = 64;

Status Invalid(const std::string& path, const std::string& message) {
  return Status::InvalidArgument(fmt::format("{}: {}", path, message));
}

// "points": [[time_s, rate_per_s], ...], the first at 0, times increasing.
Status ReadPoints(const json& v, const std::string& path, RateProfileOptions* p) {
  if (!v.is_array() || v.empty() || v.size() > kMaxPoints) {
    return Invalid(path, fmt::format("must be a list of 1 to {} [time_s, rate_per_s] pairs {}", kMaxPoints, Got(v)));
  }
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", path, i);
    if (!v[i].is_array() || v[i].size() != 2) return Invalid(at, "must be a pair [time_s, rate_per_s] " + Got(v[i]));
    double t = 0, rate = 0;
    FLEETLAB_RETURN_IF_ERROR(CheckTime(at + "[0]", v[i][0], TimeUnit::kSeconds, TimeRange::NonNegative(), &t));
    FLEETLAB_RETURN_IF_ERROR(CheckRate(at + "[1]", v[i][1], true, &rate));
    if (i == 0 && t != 0) return Invalid(at + "[0]", fmt::format("the first point must be at time 0 (got {:g})", t));
    if (i > 0 && !(t > p->points.back().first)) {
      return Invalid(at + "[0]", fmt::format("times must increase: {:g} after {:g}", t, p->points.back().first));
    }
    p->points.emplace_back(t, rate);
  }
  return Status::Ok();
}

Status ParsePiecewise(FieldReader& r, const std::string& path, RateProfileOptions* p) {
  const json* points = r.Child("points");
  if (points == nullptr) return Invalid(path + ".points", "missing; a piecewise profile needs its [time_s, rate_per_s] points");
  FLEETLAB_RETURN_IF_ERROR(ReadPoints(*points, path + ".points", p));
  int interpolation = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("interpolation", {"step", "linear"}, &interpolation));
  p->linear = interpolation == 1;
  FLEETLAB_RETURN_IF_ERROR(r.Bool("repeat", &p->repeat));
  if (p->repeat && p->points.size() < 2) {
    return Invalid(path + ".repeat", "a repeating profile needs at least two points (the last one's time is the period)");
  }
  return Status::Ok();
}

// A ramp from `from_per_s` to `to_per_s` over duration_s, then holding:
// a linear piecewise profile of two points.
Status ParseRamp(FieldReader& r, RateProfileOptions* p) {
  double from = 0, to = 0, duration = 0;
  for (const char* key : {"from_per_s", "to_per_s", "duration_s"}) {
    if (!r.Has(key)) return Invalid(r.PathOf(key), "missing (a ramp needs from_per_s, to_per_s and duration_s)");
  }
  FLEETLAB_RETURN_IF_ERROR(r.Rate("from_per_s", &from, true));
  FLEETLAB_RETURN_IF_ERROR(r.Rate("to_per_s", &to, true));
  FLEETLAB_RETURN_IF_ERROR(r.Time("duration_s", &duration, TimeUnit::kSeconds, TimeRange::Positive()));
  p->points = {{0.0, from}, {duration, to}};
  p->linear = true;
  return Status::Ok();
}

Status ParseSinusoid(FieldReader& r, double rate, RateProfileOptions* p) {
  FLEETLAB_RETURN_IF_ERROR(r.Time("period_s", &p->period_s, TimeUnit::kSeconds, TimeRange::Positive()));
  FLEETLAB_RETURN_IF_ERROR(r.Number("amplitude", &p->amplitude, Range::Between(0, 1)));
  FLEETLAB_RETURN_IF_ERROR(r.Time("phase_s", &p->phase_s, TimeUnit::kSeconds, TimeRange::NonNegative()));
  const double peak = rate * (1 + p->amplitude);
  if (peak > kMaxRatePerS) {
    return Invalid(r.PathOf("amplitude"), fmt::format("the peak rate rate_per_s x (1 + amplitude) would be {:.3g} per "
                                                      "second; at most {:g}", peak, kMaxRatePerS));
  }
  return Status::Ok();
}

}  // namespace

Status ParseRateProfile(const json& v, const std::string& path, bool rate_given, ArrivalOptions* a) {
  if (a->kind != ArrivalKind::kPoisson && a->kind != ArrivalKind::kGamma) {
    return Invalid(path, "applies only when process is \"poisson\" or \"gamma\"");
  }
  FieldReader r(v, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  int shape = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("shape", {"sinusoid", "piecewise", "ramp"}, &shape));
  if (shape < 0) return Invalid(path + ".shape", "missing; one of \"sinusoid\", \"piecewise\", \"ramp\"");
  RateProfileOptions& p = a->profile;
  p.kind = shape == 0 ? Kind::kSinusoid : Kind::kPiecewise;
  if (shape == 0) FLEETLAB_RETURN_IF_ERROR(ParseSinusoid(r, a->rate_per_s, &p));
  if (shape == 1) FLEETLAB_RETURN_IF_ERROR(ParsePiecewise(r, path, &p));
  if (shape == 2) FLEETLAB_RETURN_IF_ERROR(ParseRamp(r, &p));
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  if (p.kind == Kind::kSinusoid) return Status::Ok();
  if (rate_given) {
    return Invalid(path.substr(0, path.rfind('.')) + ".rate_per_s",
                   "the profile gives the rates; remove rate_per_s (it is the profile's mean)");
  }
  const RateProfile profile(p, 0);
  if (!(profile.MeanRate() >= kMinRatePerS)) {
    return Invalid(path, fmt::format("the mean rate would be {:g} per second; at least {:g} (some rate must be above "
                                     "0)", profile.MeanRate(), kMinRatePerS));
  }
  a->rate_per_s = profile.MeanRate();
  return Status::Ok();
}

Status ParseClasses(const json& v, RequestSizeOptions* sizes) {
  const std::string path = "workload.classes";
  if (!v.is_array() || v.empty() || v.size() > kMaxClasses) {
    return Invalid(path, fmt::format("must be a list of 1 to {} classes {{\"name\", \"share\", \"prompt_tokens\", "
                                     "\"output_tokens\", \"slo\"}} {}", kMaxClasses, Got(v)));
  }
  std::set<std::string> names;
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::string at = fmt::format("{}[{}]", path, i);
    FieldReader r(v[i], at);
    FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
    WorkloadClass c;
    FLEETLAB_RETURN_IF_ERROR(r.String("name", &c.name));
    if (c.name.empty() || !names.insert(c.name).second) {
      return Invalid(at + ".name", c.name.empty() ? "missing; every class needs a name" : "\"" + c.name + "\" is taken");
    }
    FLEETLAB_RETURN_IF_ERROR(r.Number("share", &c.share, Range{0, 1e12, true, false}));
    for (auto [key, out] : {std::pair{"prompt_tokens", &c.prompt_tokens}, std::pair{"output_tokens", &c.output_tokens}}) {
      if (const json* d = r.Child(key)) {
        auto dist = ParseTokenDistribution(*d, r.PathOf(key));
        if (!dist.ok()) return dist.status();
        *out = *dist;
      }
    }
    if (const json* slo = r.Child("slo")) {
      FieldReader s(*slo, r.PathOf("slo"));
      FLEETLAB_RETURN_IF_ERROR(s.CheckObject());
      FLEETLAB_RETURN_IF_ERROR(s.Time("ttft_ms", &c.ttft_slo_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
      FLEETLAB_RETURN_IF_ERROR(s.Time("tpot_ms", &c.tpot_slo_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
      FLEETLAB_RETURN_IF_ERROR(s.Time("e2e_ms", &c.e2e_slo_s, TimeUnit::kMilliseconds, TimeRange::NonNegative()));
      FLEETLAB_RETURN_IF_ERROR(s.Finish());
    }
    FLEETLAB_RETURN_IF_ERROR(r.Finish());
    sizes->classes.push_back(std::move(c));
  }
  return Status::Ok();
}

}  // namespace fleetlab
