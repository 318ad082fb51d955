// RequestSizer: gives each request its prompt and output lengths and its
// shared-prefix group, from the workload's size distributions (own streams
// "sizes" and "prefix"), keeping a trace's recorded sizes when it has them.
#pragma once

#include <algorithm>
#include <cmath>

#include "fleetlab/random/rng.h"
#include "fleetlab/workload/options.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

class RequestSizer {
 public:
  // `enabled` false leaves requests without sizes (the generic station).
  RequestSizer(const RequestSizeOptions& options, const RandomStreams& streams, bool enabled)
      : options_(options), sizes_(streams.Stream("sizes")), prefix_(streams.Stream("prefix")), enabled_(enabled) {}

  // Sizes `r`; `from_trace` says r already carries recorded sizes.
  void Size(Request* r, bool from_trace) {
    if (!enabled_) return;
    std::int32_t shared = 0;
    if (options_.prefix_groups > 0) {
      r->prefix_group = static_cast<std::uint32_t>(prefix_.Below(options_.prefix_groups));
      shared = static_cast<std::int32_t>(options_.prefix_tokens);
    }
    if (from_trace) {
      r->prefix_tokens = std::min(shared, r->prompt_tokens);
      return;
    }
    r->prompt_tokens = shared + Draw(options_.prompt_tokens);
    r->output_tokens = Draw(options_.output_tokens);
    r->prefix_tokens = shared;
  }

 private:
  std::int32_t Draw(const Distribution& d) {
    const double x = std::llround(d.Sample(sizes_));
    return static_cast<std::int32_t>(std::clamp(x, 1.0, 1e9));
  }

  RequestSizeOptions options_;
  Rng sizes_, prefix_;
  bool enabled_;
};

}  // namespace fleetlab
