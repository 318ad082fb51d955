// CatalogRef: the catalog a parse resolves ids against — the one given, or
// the default catalog, loaded the first time an id needs it.
#pragma once

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

 private:
  const Catalog* given_;
  std::optional<Catalog> loaded_;
};

}  // namespace fleetlab
