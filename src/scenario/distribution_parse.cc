#include "scenario/distribution_parse.h"

#include <fmt/format.h>

#include "util/field_reader.h"

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
  bool time;  // times in ms, returned in seconds; else token counts, returned as given
};

Names NamesFor(const std::string& suffix, bool time) {
  return {"mean" + suffix, "low" + suffix, "high" + suffix, "values" + suffix, time};
}

// The most tokens one value may be: what a request's prompt or output can
// hold (draws are clamped to it, runner/request_sizer.h).
constexpr double kMaxTokens = 1e9;
// Weights are relative shares; bounded so that 16 (or a long list) of them
// add up to a finite total.
constexpr double kMaxWeight = 1e12;

// The one check of every value a distribution holds: a time in ms goes
// through CheckTime (and is returned in seconds), a token count must lie in
// [0, kMaxTokens]. `positive`: 0 is not allowed.
Status CheckValue(const std::string& field, const nlohmann::json& v, bool positive, const Names& n, double* out) {
  if (n.time) {
    return CheckTime(field, v, TimeUnit::kMilliseconds, positive ? TimeRange::Positive() : TimeRange::NonNegative(),
                     out);
  }
  const Range range = positive ? Range{0, kMaxTokens, true, false} : Range::Between(0, kMaxTokens);
  if (!v.is_number() || !range.Contains(v.get<double>())) {
    return Status::InvalidArgument(fmt::format("{}: must be a number of tokens {} {}", field, range.Describe(), Got(v)));
  }
  *out = v.get<double>();
  return Status::Ok();
}

// An optional value field of the distribution object.
Status ReadValue(FieldReader& r, const std::string& key, bool positive, const Names& n, double* out) {
  const nlohmann::json* v = r.Child(key.c_str());
  return v == nullptr ? Status::Ok() : CheckValue(r.PathOf(key.c_str()), *v, positive, n, out);
}

Status CheckWeight(const std::string& field, const nlohmann::json& v) {
  if (v.is_number() && Range::Between(0, kMaxWeight).Contains(v.get<double>())) return Status::Ok();
  return Status::InvalidArgument(fmt::format("{}: must be a weight between 0 and {:g} {}", field, kMaxWeight, Got(v)));
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

// A non-empty array of values (n: CheckValue) or of weights (n null: CheckWeight).
Result<std::vector<double>> NumberArray(const nlohmann::json* v, const std::string& path, const Names* n) {
  if (v == nullptr || !v->is_array() || v->empty()) {
    return Status::InvalidArgument(fmt::format("{}: must be a non-empty array of numbers >= 0", path));
  }
  std::vector<double> out;
  double sum = 0;
  for (std::size_t i = 0; i < v->size(); ++i) {
    const auto& x = (*v)[i];
    const std::string at = fmt::format("{}[{}]", path, i);
    double value = 0;
    if (n != nullptr) {
      FLEETLAB_RETURN_IF_ERROR(CheckValue(at, x, false, *n, &value));
    } else {
      FLEETLAB_RETURN_IF_ERROR(CheckWeight(at, x));
      value = x.get<double>();
    }
    out.push_back(value);
    sum += value;
  }
  if (n == nullptr && sum <= 0) return Status::InvalidArgument(fmt::format("{}: must not be all zero", path));
  return out;
}

Result<Distribution> Empirical(FieldReader& r, const Names& n) {
  auto values = NumberArray(r.Child(n.values.c_str()), r.PathOf(n.values.c_str()), &n);
  if (!values.ok()) return values.status();
  std::vector<double> weights(values->size(), 1.0);
  if (r.Has("weights")) {
    auto w = NumberArray(r.Child("weights"), r.PathOf("weights"), nullptr);
    if (!w.ok()) return w.status();
    if (w->size() != values->size()) {
      return Status::InvalidArgument(fmt::format("{}: must have as many entries as {} ({}), has {}",
                                                 r.PathOf("weights"), n.values, values->size(), w->size()));
    }
    weights = *w;
  }
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
    if (!c.is_object() || !c.contains("weight")) {
      return Status::InvalidArgument(fmt::format("{}.weight: missing; must be a weight between 0 and {:g}", at,
                                                 kMaxWeight));
    }
    FLEETLAB_RETURN_IF_ERROR(CheckWeight(at + ".weight", c["weight"]));
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
  double mean = -1, cv = 1, low = 0, high = 0;  // in seconds for times
  const bool positive_mean = !(family == kDeterministic && allow_zero);
  FLEETLAB_RETURN_IF_ERROR(ReadValue(r, n.mean, positive_mean, n, &mean));
  FLEETLAB_RETURN_IF_ERROR(r.Number("cv", &cv, kCvRange));
  FLEETLAB_RETURN_IF_ERROR(ReadValue(r, n.low, false, n, &low));
  FLEETLAB_RETURN_IF_ERROR(ReadValue(r, n.high, false, n, &high));
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
    dist = Distribution::Uniform(low, high);
  } else if (mean < 0) {
    return Status::InvalidArgument(fmt::format("{}: missing; must be a number {}", r.PathOf(n.mean.c_str()),
                                               positive_mean ? "> 0" : ">= 0"));
  } else if (family == kExponential) {
    dist = Distribution::Exponential(mean);
  } else if (family == kDeterministic) {
    dist = Distribution::Deterministic(mean);
  } else if (family == kGamma) {
    dist = Distribution::Gamma(mean, cv);
  } else {
    dist = Distribution::Lognormal(mean, cv);
  }
  if (!dist.ok()) return dist;
  FLEETLAB_RETURN_IF_ERROR(r.Finish());
  return dist;
}

}  // namespace

Result<Distribution> ParseTimeDistributionMs(const nlohmann::json& value, const std::string& path,
                                             bool allow_zero) {
  return ParseDistribution(value, path, allow_zero, NamesFor("_ms", true));
}

Result<Distribution> ParseTokenDistribution(const nlohmann::json& value, const std::string& path) {
  return ParseDistribution(value, path, false, NamesFor("", false));
}

}  // namespace fleetlab
