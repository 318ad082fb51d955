// Backing the malloc heap with 2 MiB pages: a choice for the whole process,
// made once by an executable's main (fleetlab's CLI, the benchmarks; an
// embedding program may do the same), never by library code.
//
// On every event a fleet of hundreds of replicas reads a few cache lines of
// one replica's state, tens of megabytes apart: with 4 KiB pages most of
// those reads also miss the TLB. Where the kernel gives transparent huge
// pages only to memory that asks (THP "madvise"), this asks for them for the
// heap. Measured in design.md (Speed).
#pragma once

#include <cstddef>

namespace fleetlab {

// Grows glibc's main heap by about `reserve` bytes of address space (no
// memory is touched) and advises the kernel to back that and the heap's free
// top with huge pages (pages already touched stay small). Afterwards
// allocations up to 32 MiB come from the heap (not from mappings of their
// own), and the heap is not trimmed below the advised part. A run whose
// heap outgrows the advised part gets 4 KiB pages beyond it.
// Returns the bytes advised, whole 2 MiB pages: 0 where it cannot (not
// glibc on Linux, a sanitizer's allocator, no THP in the kernel, or the
// address space refused).
// REQUIRES: called once, early, from one thread; reserve <= 1 GiB.
std::size_t AdviseHugePageHeap(std::size_t reserve = std::size_t{256} << 20);

// Hands the heap's free memory back to the kernel (glibc's malloc_trim, in
// every arena, whatever the trim threshold; nothing elsewhere). A
// long-lived process calls it after a large piece of work: the lab server
// after each simulation, which otherwise kept the peak of its largest run
// (a 100-replica run with prefix caches: ~200 MB resident, idle).
void ReturnFreeHeapMemory();

}  // namespace fleetlab
