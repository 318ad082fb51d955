#include "scenario/distribution_parse.h"

#include <fmt/format.h>

#include "scenario/field_reader.h"

namespace fleetlab {
namespace {

enum Family { kExponential, kDeterministic, kGamma, kLognormal, kUniform, kEmpirical };
const std::vector<std::string> kFamilies = {"exponential", "deterministic", "gamma",
                                            "lognormal",   "uniform",       "empirical"};

// Fields that belong to other families are errors, not silently ignored.
Status CheckApplicable(const FieldReader& r, Family family) {
  struct Rule {
    const char* key;
    std::vector<Family> families;
  };
  const Rule rules[] = {{"mean_ms", {kExponential, kDeterministic, kGamma, kLognormal}},
                        {"cv", {kGamma, kLognormal}},
                        {"low_ms", {kUniform}},
                        {"high_ms", {kUniform}},
                        {"values_ms", {kEmpirical}},
                        {"weights", {kEmpirical}}};
  for (const Rule& rule : rules) {
    if (!r.Has(rule.key)) continue;
    bool ok = false;
    std::string names;
    for (Family f : rule.families) {
      ok = ok || f == family;
      names += (names.empty() ? "\"" : "\", \"") + kFamilies[f];
    }
    if (!ok) {
      return Status::InvalidArgument(fmt::format("{}: applies only when distribution is one of {}\" (it is \"{}\")",
                                                 r.PathOf(rule.key), names, kFamilies[family]));
    }
  }
  return Status::Ok();
}

Result<std::vector<double>> NumberArray(const nlohmann::json* v, const std::string& path, bool positive_sum) {
  if (v == nullptr || !v->is_array() || v->empty()) {
    return Status::InvalidArgument(fmt::format("{}: must be a non-empty array of numbers >= 0", path));
  }
  std::vector<double> out;
  double sum = 0;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& x = (*v)[i];
    if (!x.is_number() || x.get<double>() < 0) {
      return Status::InvalidArgument(fmt::format("{}[{}]: must be a number >= 0 {}", path, i, Got(x)));
    }
    out.push_back(x.get<double>());
    sum += out.back();
  }
  if (positive_sum && sum <= 0) return Status::InvalidArgument(fmt::format("{}: must not be all zero", path));
  return out;
}

Result<Distribution> Empirical(FieldReader& r) {
  auto values = NumberArray(r.Child("values_ms"), r.PathOf("values_ms"), false);
  if (!values.ok()) return values.status();
  std::vector<double> weights(values->size(), 1.0);
  if (r.Has("weights")) {
    auto w = NumberArray(r.Child("weights"), r.PathOf("weights"), true);
    if (!w.ok()) return w.status();
    if (w->size() != values->size()) {
      return Status::InvalidArgument(fmt::format("{}: must have as many entries as values_ms ({}), has {}",
                                                 r.PathOf("weights"), values->size(), w->size()));
    }
    weights = *w;
  }
  for (double& v : *values) v /= 1e3;
  return Distribution::Empirical(*values, weights);
}

}  // namespace

Result<Distribution> ParseTimeDistributionMs(const nlohmann::json& value, const std::string& path,
                                             bool allow_zero) {
  FieldReader r(value, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  int family = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("distribution", kFamilies, &family));
  if (family < 0) {
    return Status::InvalidArgument(fmt::format("{}: missing; must be one of \"exponential\", \"deterministic\", "
                                               "\"gamma\", \"lognormal\", \"uniform\", \"empirical\"",
                                               r.PathOf("distribution")));
  }
  FLEETLAB_RETURN_IF_ERROR(CheckApplicable(r, static_cast<Family>(family)));
  double mean = -1, cv = 1, low = 0, high = 0;
  const Range mean_range = family == kDeterministic && allow_zero ? Range::AtLeast(0) : Range::Above(0);
  FLEETLAB_RETURN_IF_ERROR(r.Number("mean_ms", &mean, mean_range));
  FLEETLAB_RETURN_IF_ERROR(r.Number("cv", &cv, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("low_ms", &low, Range::AtLeast(0)));
  FLEETLAB_RETURN_IF_ERROR(r.Number("high_ms", &high, Range::AtLeast(0)));
  Result<Distribution> dist = Distribution::Deterministic(0);
  if (family == kEmpirical) {
    dist = Empirical(r);
  } else if (family == kUniform) {
    if (!r.Has("low_ms") || !r.Has("high_ms") || high < low) {
      return Status::InvalidArgument(fmt::format("{}: uniform needs low_ms and high_ms with 0 <= low_ms <= high_ms", path));
    }
    dist = Distribution::Uniform(low / 1e3, high / 1e3);
  } else if (mean < 0) {
    return Status::InvalidArgument(fmt::format("{}: missing; must be a number {}", r.PathOf("mean_ms"), mean_range.Describe()));
  } else if (family == kExponential) {
    dist = Distribution::Exponential(mean / 1e3);
  } else if (family == kDeterministic) {
    dist = Distribution::Deterministic(mean / 1e3);
  } else if (family == kGamma) {
    dist = Distribution::Gamma(mean / 1e3, cv);
  } else {
    dist = Distribution::Lognormal(mean / 1e3, cv);
  }
  if (!dist.ok()) return dist;
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  return dist;
}

}  // namespace fleetlab
