// The waste of a paged KV sequence (kv_paged.h, kv_paged_counter.h).
#pragma once

#include <algorithm>
#include <cstdint>

namespace fleetlab {

// A paged sequence's waste over the slots of its `blocks` blocks: reserved
// up to its final length (slots it will still fill), internal beyond.
struct PagedWaste {
  std::int64_t reserved = 0, internal = 0;
};
inline PagedWaste PagedWasteOf(std::int64_t blocks, std::int64_t block_tokens, std::int64_t length,
                               std::int64_t final_length) {
  const std::int64_t end = blocks * block_tokens;
  const std::int64_t will_fill = std::max(std::min(final_length, end), length);
  return {will_fill - length, end - will_fill};
}

}  // namespace fleetlab
