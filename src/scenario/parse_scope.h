// ParseScope: what one parse of a request path works within — the catalog
// it resolves ids against (the one given, or the default catalog, loaded the
// first time an id needs it) and the budgets that bound what a document may
// make it build, whatever its size: a few hundred bytes of nested fan-outs
// with `repeat` once expanded to 16.7 million stations.
#pragma once

#include <cstdint>
#include <optional>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/status.h"

namespace fleetlab {

class ParseScope {
 public:
  explicit ParseScope(const Catalog* given) : given_(given) {}
  Result<const Catalog*> Get() {
    if (given_ != nullptr) return given_;
    if (!loaded_) {
      auto c = Catalog::LoadDefault();
      if (!c.ok()) return c.status().WithContext("catalog");
      loaded_ = std::move(c).value();
    }
    return &*loaded_;
  }

  // Batch sizes one parse's station models may price in all: each model
  // prices every size up to its max_batch from the catalog's roofline (~1
  // us and 8 bytes a size), so this bounds a parse's time and memory
  // whatever the document holds (2,048 stations of max_batch 1e6 would
  // otherwise take half an hour and 16 GB).
  static constexpr std::uint64_t kMaxModelBatches = std::uint64_t{1} << 18;
  // Takes `n` of that budget; false (nothing taken) when it would overdraw.
  bool TakeModelBatches(std::uint64_t n) {
    if (n > model_batches_left_) return false;
    model_batches_left_ -= n;
    return true;
  }
  std::uint64_t model_batches_left() const { return model_batches_left_; }

  // Links, pools and fan-outs one path may hold in all, each repeat of a
  // branch and every stage of a sub-path counted (the lab's tracks hold
  // fewer than 50).
  static constexpr std::uint64_t kMaxPathMembers = 4096;
  // Takes `n` of that budget; false (nothing taken) when it would overdraw.
  bool TakePathMembers(std::uint64_t n) {
    if (n > path_members_left_) return false;
    path_members_left_ -= n;
    return true;
  }
  std::uint64_t path_members_left() const { return path_members_left_; }

 private:
  const Catalog* given_;
  std::optional<Catalog> loaded_;
  std::uint64_t model_batches_left_ = kMaxModelBatches;
  std::uint64_t path_members_left_ = kMaxPathMembers;
};

}  // namespace fleetlab
