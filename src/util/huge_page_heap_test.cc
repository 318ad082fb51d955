#include "fleetlab/util/huge_page_heap.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace fleetlab {
namespace {

// The VmFlags of the mapping holding `p`, from /proc/self/smaps ("" if none).
std::string FlagsOfMappingHolding(const void* p) {
  const auto at = reinterpret_cast<std::uintptr_t>(p);
  std::ifstream smaps("/proc/self/smaps");
  std::string line;
  bool inside = false;
  while (std::getline(smaps, line)) {
    std::uintptr_t lo = 0, hi = 0;
    char dash = 0;
    std::istringstream range(line);
    if (range >> std::hex >> lo >> dash >> hi && dash == '-') inside = lo <= at && at < hi;
    if (inside && line.rfind("VmFlags:", 0) == 0) return line;
  }
  return "";
}

// In a child process (the advice changes the allocator for the whole
// process): 0 when memory allocated afterwards lies in a mapping flagged for
// huge pages, 1 when it does not, 2 when nothing was advised.
int AdviseAndCheck() {
  const std::size_t advised = AdviseHugePageHeap(std::size_t{64} << 20);
  if (advised == 0) return 2;
  // Whole huge pages, at least the reserve less the alignment.
  const std::size_t mib = std::size_t{1} << 20;
  if (advised % (2 * mib) != 0 || advised < 60 * mib) return 1;
  // Below the 32 MiB threshold: from the heap. Its start may lie before the
  // first 2 MiB boundary of the advised part; its last byte does not.
  const std::size_t bytes = 8 * mib;
  auto* block = static_cast<char*>(std::malloc(bytes));
  const bool flagged = FlagsOfMappingHolding(block + bytes - 1).find(" hg") != std::string::npos;
  std::free(block);
  return flagged ? 0 : 1;
}

// `check`'s result, run in a child process (what it measures or changes is
// the whole process's); -1 if the child did not exit normally.
int ExitCodeInAChild(int (*check)()) {
  const pid_t child = fork();
  if (child == 0) _exit(check());
  int status = 0;
  if (child < 0 || waitpid(child, &status, 0) != child || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

TEST(HugePageHeap, LaterAllocationsLieInAMappingFlaggedForHugePages) {
#if !defined(__linux__) || !defined(__GLIBC__)
  GTEST_SKIP() << "glibc on Linux only";
#endif
  const int code = ExitCodeInAChild(AdviseAndCheck);
  if (code == 2) GTEST_SKIP() << "nothing advised (a sanitizer's allocator, or no THP)";
  EXPECT_EQ(code, 0);
}

// Resident bytes of this process (/proc/self/statm).
std::size_t ResidentBytes() {
  std::ifstream statm("/proc/self/statm");
  std::size_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
}

// In a child process (the measure is the whole process's): 64 MiB of small
// blocks, touched, all freed but the last (which keeps the heap's top, so
// glibc's own trimming gives nothing back); 0 when ReturnFreeHeapMemory then
// hands at least 48 MiB back, 1 when not, 2 when the allocator is not glibc's.
int FreeThenReturn() {
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
  return 2;  // clang's sanitizers
#endif
#endif
#if !defined(__GLIBC__) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
  return 2;
#endif
  constexpr std::size_t kBlock = 1024, kBlocks = 64 * 1024;
  std::vector<char*> blocks(kBlocks);
  for (char*& b : blocks) {
    b = static_cast<char*>(std::malloc(kBlock));
    for (std::size_t i = 0; i < kBlock; i += 256) b[i] = 1;
  }
  for (std::size_t i = 0; i + 1 < kBlocks; ++i) std::free(blocks[i]);
  const std::size_t before = ResidentBytes();
  ReturnFreeHeapMemory();
  const std::size_t after = ResidentBytes();
  std::free(blocks.back());
  return before > after && before - after >= (std::size_t{48} << 20) ? 0 : 1;
}

TEST(HugePageHeap, FreeMemoryGoesBackToTheKernel) {
  const int code = ExitCodeInAChild(FreeThenReturn);
  if (code == 2) GTEST_SKIP() << "not glibc's allocator";
  EXPECT_EQ(code, 0);
}

}  // namespace
}  // namespace fleetlab
