#include "scenario/distribution_parse.h"

#include <fmt/format.h>

#include "scenario/field_reader.h"

namespace fleetlab {
namespace {

enum Family { kExponential, kDeterministic, kGamma, kLognormal, kUniform, kEmpirical, kMixture };
// A function-local constant, so parsing works even during another file's
// static initialisation (e.g. a benchmark registered before main).
const std::vector<std::string>& Families() {
  static const std::vector<std::string> families = {"exponential", "deterministic", "gamma", "lognormal",
                                                    "uniform",     "empirical",     "mixture"};
  return families;
}

// The field names of one unit: "mean_ms" for times in ms, "mean" for tokens.
struct Names {
  std::string mean, low, high, values;
  double divisor;  // every value read is divided by it (ms -> s: 1000)
};

Names NamesFor(const std::string& suffix, double divisor) {
  return {"mean" + suffix, "low" + suffix, "high" + suffix, "values" + suffix, divisor};
}

// Fields that belong to other families are errors, not silently ignored.
Status CheckApplicable(const FieldReader& r, Family family, const Names& n) {
  struct Rule {
    std::string key;
    std::vector<Family> families;
  };
  const Rule rules[] = {{n.mean, {kExponential, kDeterministic, kGamma, kLognormal}},
                        {"cv", {kGamma, kLognormal}},
                        {n.low, {kUniform}},
                        {n.high, {kUniform}},
                        {n.values, {kEmpirical}},
                        {"weights", {kEmpirical}},
                        {"components", {kMixture}}};
  for (const Rule& rule : rules) {
    if (!r.Has(rule.key.c_str())) continue;
    bool ok = false;
    std::string names;
    for (Family f : rule.families) {
      ok = ok || f == family;
      names += (names.empty() ? "\"" : "\", \"") + Families()[f];
    }
    if (!ok) {
      return Status::InvalidArgument(fmt::format("{}: applies only when distribution is one of {}\" (it is \"{}\")",
                                                 r.PathOf(rule.key.c_str()), names, Families()[family]));
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

Result<Distribution> Empirical(FieldReader& r, const Names& n) {
  auto values = NumberArray(r.Child(n.values.c_str()), r.PathOf(n.values.c_str()), false);
  if (!values.ok()) return values.status();
  std::vector<double> weights(values->size(), 1.0);
  if (r.Has("weights")) {
    auto w = NumberArray(r.Child("weights"), r.PathOf("weights"), true);
    if (!w.ok()) return w.status();
    if (w->size() != values->size()) {
      return Status::InvalidArgument(fmt::format("{}: must have as many entries as {} ({}), has {}",
                                                 r.PathOf("weights"), n.values, values->size(), w->size()));
    }
    weights = *w;
  }
  for (double& v : *values) v /= n.divisor;
  return Distribution::Empirical(*values, weights);
}

Result<Distribution> ParseDistribution(const nlohmann::json& value, const std::string& path, bool allow_zero,
                                       const Names& n);

// {"distribution": "mixture", "components": [{"weight": 0.99, ...}, {"weight": 0.01, ...}]}:
// each component is a distribution of the same unit with its own weight.
Result<Distribution> Mixture(FieldReader& r, bool allow_zero, const Names& n) {
  const std::string path = r.PathOf("components");
  const nlohmann::json* list = r.Child("components");
  if (list == nullptr || !list->is_array() || list->empty() || list->size() > 16) {
    return Status::InvalidArgument(fmt::format("{}: must be an array of 1 to 16 distributions, each with a "
                                               "\"weight\" >= 0", path));
  }
  std::vector<Distribution> parts;
  std::vector<double> weights;
  for (std::size_t i = 0; i < list->size(); ++i) {
    const std::string at = fmt::format("{}[{}]", path, i);
    nlohmann::json c = (*list)[i];
    if (!c.is_object() || !c.contains("weight") || !c["weight"].is_number() || c["weight"].get<double>() < 0) {
      return Status::InvalidArgument(fmt::format("{}.weight: missing; must be a number >= 0", at));
    }
    weights.push_back(c["weight"].get<double>());
    c.erase("weight");
    auto d = ParseDistribution(c, at, allow_zero, n);
    if (!d.ok()) return d.status();
    parts.push_back(std::move(d).value());
  }
  double total = 0;
  for (double w : weights) total += w;
  if (total <= 0) return Status::InvalidArgument(fmt::format("{}: the weights must not all be zero", path));
  return Distribution::Mixture(std::move(parts), std::move(weights));
}

Result<Distribution> ParseDistribution(const nlohmann::json& value, const std::string& path, bool allow_zero,
                                       const Names& n) {
  FieldReader r(value, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  int family = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("distribution", Families(), &family));
  if (family < 0) {
    return Status::InvalidArgument(fmt::format("{}: missing; must be one of \"exponential\", \"deterministic\", "
                                               "\"gamma\", \"lognormal\", \"uniform\", \"empirical\", \"mixture\"",
                                               r.PathOf("distribution")));
  }
  FLEETLAB_RETURN_IF_ERROR(CheckApplicable(r, static_cast<Family>(family), n));
  double mean = -1, cv = 1, low = 0, high = 0;
  const Range mean_range = family == kDeterministic && allow_zero ? Range::AtLeast(0) : Range::Above(0);
  FLEETLAB_RETURN_IF_ERROR(r.Number(n.mean.c_str(), &mean, mean_range));
  FLEETLAB_RETURN_IF_ERROR(r.Number("cv", &cv, Range::Above(0)));
  FLEETLAB_RETURN_IF_ERROR(r.Number(n.low.c_str(), &low, Range::AtLeast(0)));
  FLEETLAB_RETURN_IF_ERROR(r.Number(n.high.c_str(), &high, Range::AtLeast(0)));
  Result<Distribution> dist = Distribution::Deterministic(0);
  if (family == kEmpirical) {
    dist = Empirical(r, n);
  } else if (family == kMixture) {
    dist = Mixture(r, allow_zero, n);
  } else if (family == kUniform) {
    if (!r.Has(n.low.c_str()) || !r.Has(n.high.c_str()) || high < low) {
      return Status::InvalidArgument(fmt::format("{}: uniform needs {} and {} with 0 <= {} <= {}", path, n.low, n.high,
                                                 n.low, n.high));
    }
    dist = Distribution::Uniform(low / n.divisor, high / n.divisor);
  } else if (mean < 0) {
    return Status::InvalidArgument(
        fmt::format("{}: missing; must be a number {}", r.PathOf(n.mean.c_str()), mean_range.Describe()));
  } else if (family == kExponential) {
    dist = Distribution::Exponential(mean / n.divisor);
  } else if (family == kDeterministic) {
    dist = Distribution::Deterministic(mean / n.divisor);
  } else if (family == kGamma) {
    dist = Distribution::Gamma(mean / n.divisor, cv);
  } else {
    dist = Distribution::Lognormal(mean / n.divisor, cv);
  }
  if (!dist.ok()) return dist;
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  return dist;
}

}  // namespace

Result<Distribution> ParseTimeDistributionMs(const nlohmann::json& value, const std::string& path,
                                             bool allow_zero) {
  return ParseDistribution(value, path, allow_zero, NamesFor("_ms", 1e3));
}

Result<Distribution> ParseTokenDistribution(const nlohmann::json& value, const std::string& path) {
  return ParseDistribution(value, path, false, NamesFor("", 1.0));
}

}  // namespace fleetlab
