#include "fleetlab/util/huge_page_heap.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdlib>

// A sanitizer's allocator keeps no glibc heap to advise (GCC says so with
// __SANITIZE_*__, clang with __has_feature).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define FLEETLAB_SANITIZED 1
#endif
#endif
#if defined(__linux__) && defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__) && \
    !defined(FLEETLAB_SANITIZED)
#define FLEETLAB_HUGE_PAGE_HEAP 1
#include <malloc.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace fleetlab {

#ifdef FLEETLAB_HUGE_PAGE_HEAP
std::size_t AdviseHugePageHeap(std::size_t reserve) {
  assert(reserve <= (std::size_t{1} << 30));
  constexpr std::uintptr_t kHuge = std::uintptr_t{2} << 20;
  constexpr int kFromHeapUpTo = 32 << 20;  // glibc's largest mmap threshold
  constexpr std::size_t kChunk = std::size_t{16} << 20;
  constexpr std::size_t kMaxChunks = 64;
  mallopt(M_MMAP_THRESHOLD, kFromHeapUpTo);
  mallopt(M_TOP_PAD, static_cast<int>(reserve));
  // The heap's free top (as large as tens of MiB in a process that has
  // freed much), then chunks taken until the heap grows, by `reserve` more.
  const std::size_t top = mallinfo2().keepcost;
  const auto before = reinterpret_cast<std::uintptr_t>(sbrk(0));
  void* chunks[kMaxChunks];
  const std::size_t enough = std::min(kMaxChunks, top / kChunk + 2);  // the top, then one more
  std::size_t taken = 0;
  while (taken < enough && reinterpret_cast<std::uintptr_t>(sbrk(0)) == before) chunks[taken++] = std::malloc(kChunk);
  const auto after = reinterpret_cast<std::uintptr_t>(sbrk(0));
  mallopt(M_TOP_PAD, 128 << 10);                             // later growth in small steps
  mallopt(M_TRIM_THRESHOLD, static_cast<int>(2 * reserve));  // never trimmed into the advised part
  const std::uintptr_t lo = (before - top + kHuge - 1) & ~(kHuge - 1);
  const std::uintptr_t hi = after & ~(kHuge - 1);
  std::size_t advised = 0;
  if (after != before && hi > lo && madvise(reinterpret_cast<void*>(lo), hi - lo, MADV_HUGEPAGE) == 0) {
    advised = hi - lo;
  }
  for (std::size_t i = 0; i < taken; ++i) std::free(chunks[i]);
  return advised;
}

void ReturnFreeHeapMemory() { malloc_trim(0); }
#else
std::size_t AdviseHugePageHeap(std::size_t) { return 0; }
void ReturnFreeHeapMemory() {}
#endif

}  // namespace fleetlab
