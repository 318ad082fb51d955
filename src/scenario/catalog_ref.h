// CatalogRef: the catalog a parse resolves ids against — the one given, or
// the default catalog, loaded the first time an id needs it — and what the
// parse may compute from it.
#pragma once

#include <cstdint>
#include <optional>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/status.h"

namespace fleetlab {

class CatalogRef {
 public:
  explicit CatalogRef(const Catalog* given) : given_(given) {}
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

 private:
  const Catalog* given_;
  std::optional<Catalog> loaded_;
  std::uint64_t model_batches_left_ = kMaxModelBatches;
};

}  // namespace fleetlab
