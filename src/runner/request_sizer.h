// RequestSizer: gives each request its prompt and output lengths and its
// shared-prefix group, from the workload's size distributions (own streams
// StreamId::kSizes and kPrefix), keeping a trace's recorded sizes when it has them.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "fleetlab/random/rng.h"
#include "fleetlab/workload/options.h"
#include "fleetlab/workload/request.h"

namespace fleetlab {

class RequestSizer {
 public:
  // `enabled` false leaves requests without sizes (the generic station).
  RequestSizer(const RequestSizeOptions& options, const RandomStreams& streams, bool enabled)
      : options_(options), sizes_(streams.Stream(StreamId::kSizes)), prefix_(streams.Stream(StreamId::kPrefix)),
        classes_(streams.Stream(StreamId::kClasses)), enabled_(enabled),
        history_(options.prefix_groups, options.prefix_tokens),
        turn_(options.prefix_groups, 0), epoch_(options.prefix_groups, 0) {
    double total = 0;
    for (const WorkloadClass& c : options.classes) cumulative_share_.push_back(total += c.share);
  }

  // Sizes `r`; `from_trace` says r already carries recorded sizes.
  void Size(Request* r, bool from_trace) {
    const WorkloadClass* klass = PickClass(r);  // drawn for every system, so classes are reported on stations too
    if (!enabled_) return;
    std::int64_t shared = 0;
    std::size_t g = 0;
    if (options_.prefix_groups > 0) {
      g = static_cast<std::size_t>(prefix_.Below(options_.prefix_groups));
      r->prefix_group = static_cast<std::uint32_t>(g + options_.prefix_groups * epoch_[g]);
      shared = history_[g];
    }
    if (from_trace) {
      if (r->prefix_hashes != nullptr) {  // the trace's hash ids name its prefix blocks
        shared = static_cast<std::int64_t>(r->prefix_hash_count) * r->prefix_hash_tokens;
      }
      r->prefix_tokens = static_cast<std::int32_t>(std::min<std::int64_t>(shared, r->prompt_tokens));
      return;
    }
    if (options_.dataset != nullptr) {  // one record's lengths, uniformly with replacement
      const TraceRecord& d = (*options_.dataset)[sizes_.Below(options_.dataset->size())];
      r->prompt_tokens = Clamp(shared + std::max<std::int32_t>(d.prompt_tokens, 1));
      r->output_tokens = std::max<std::int32_t>(d.output_tokens, 1);
    } else {
      r->prompt_tokens = Clamp(shared + Draw(klass != nullptr ? klass->prompt_tokens : options_.prompt_tokens));
      r->output_tokens = Draw(klass != nullptr ? klass->output_tokens : options_.output_tokens);
    }
    r->prefix_tokens = Clamp(shared);
    if (options_.prefix_groups > 0 && options_.turns > 1) NextTurn(g, *r);
  }

 private:
  // The request's class, by share (stream "classes"); null without classes.
  // O(log classes).
  const WorkloadClass* PickClass(Request* r) {
    if (cumulative_share_.empty()) return nullptr;
    const double u = classes_.Uniform() * cumulative_share_.back();
    const auto it = std::upper_bound(cumulative_share_.begin(), cumulative_share_.end(), u);
    const auto k = std::min<std::size_t>(static_cast<std::size_t>(it - cumulative_share_.begin()), cumulative_share_.size() - 1);
    r->request_class = static_cast<std::uint16_t>(k);
    return &options_.classes[k];
  }

  // A conversation's next turn carries this one's prompt and answer as its
  // shared prefix; after `turns` turns a new conversation (a new prefix
  // group) starts from the system prompt.
  void NextTurn(std::size_t g, const Request& r) {
    history_[g] = static_cast<std::int64_t>(r.prompt_tokens) + r.output_tokens;
    if (++turn_[g] < options_.turns) return;
    turn_[g] = 0;
    ++epoch_[g];
    history_[g] = options_.prefix_tokens;
  }
  static std::int32_t Clamp(std::int64_t tokens) {
    return static_cast<std::int32_t>(std::min<std::int64_t>(tokens, 1'000'000'000));
  }

  std::int32_t Draw(const Distribution& d) {
    const double x = std::llround(d.Sample(sizes_));
    return static_cast<std::int32_t>(std::clamp(x, 1.0, 1e9));
  }

  RequestSizeOptions options_;
  Rng sizes_, prefix_, classes_;
  bool enabled_;
  std::vector<double> cumulative_share_;
  std::vector<std::int64_t> history_;  // per group: the shared prefix of its next request
  std::vector<std::uint32_t> turn_, epoch_;
};

}  // namespace fleetlab
