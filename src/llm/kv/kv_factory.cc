// MakeKvAllocator: the allocator named by KvCacheOptions::kind.
#include <cassert>
#include <memory>

#include "fleetlab/llm/kv_cache.h"
#include "llm/kv/kv_contiguous.h"
#include "llm/kv/kv_paged.h"
#include "llm/kv/kv_paged_counter.h"

namespace fleetlab {

std::unique_ptr<KvAllocator> MakeKvAllocator(const KvCacheOptions& options, Tokens capacity, bool block_map) {
  assert(capacity.value() > 0);
  switch (options.kind) {
    case KvCacheOptions::Kind::kPaged:
      if (!block_map && !options.prefix_caching) return std::make_unique<PagedKvCounter>(capacity, options.block_tokens);
      return std::make_unique<PagedKvAllocator>(capacity, options.block_tokens,
                                                options.prefix_caching);
    case KvCacheOptions::Kind::kContiguous:
      return std::make_unique<ContiguousKvAllocator>(capacity, options.min_useful);
  }
  assert(false && "unknown KvCacheOptions::Kind");
  return nullptr;
}

}  // namespace fleetlab
