// Rng: a small, fast, portable pseudo-random generator (xoshiro256**,
// Blackman & Vigna 2018), seeded through SplitMix64.
//
// We do not use <random>'s engines or distributions: the standard fixes the
// engines' output but not the distributions' algorithms, so libstdc++ and
// libc++ give different samples for the same seed. Every draw in fleetlab
// comes from this class and from our own distributions (distribution.h), so a
// report is bit-identical across compilers and runs for the same seed.
#pragma once

#include <cstdint>
#include <string_view>

#include "fleetlab/random/stream_ids.h"

namespace fleetlab {

class Rng {
 public:
  // Seeds the 256-bit state from `seed` with SplitMix64 (never all zero).
  explicit Rng(std::uint64_t seed);

  // Uniform 64-bit integer.
  std::uint64_t Next() {
    const std::uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }

  // Uniform double in [0, 1) with 53 random bits.
  double Uniform() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

  // Uniform double in (0, 1]: safe to take the logarithm of.
  double UniformPositive() { return static_cast<double>((Next() >> 11) + 1) * 0x1.0p-53; }

  // Uniform integer in [0, n). REQUIRES: n > 0. Lemire's unbiased method.
  std::uint64_t Below(std::uint64_t n);

 private:
  static std::uint64_t Rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  std::uint64_t s_[4];
};

// One step of SplitMix64: advances `state` and returns a well-mixed value.
std::uint64_t SplitMix64(std::uint64_t& state);

// FNV-1a 64-bit hash of a stream name: stable across platforms and runs.
std::uint64_t StableHash(std::string_view text);

// RandomStreams: one root seed, an independent named stream per source of
// randomness (arrivals, sizes, service times, routing, acceptance ...).
// Adding a new source never shifts the numbers an existing source draws, so
// turning a feature on does not reshuffle unrelated parts of a run.
class RandomStreams {
 public:
  explicit RandomStreams(std::uint64_t root_seed) : root_seed_(root_seed) {}

  // The stream `id` (seeded by its name in kStreamIdNames); the same (root
  // seed, id, index) always gives the same sequence. `index` distinguishes
  // several instances of one source (replica 3's service times).
  Rng Stream(StreamId id, std::uint64_t index = 0) const;

  std::uint64_t root_seed() const { return root_seed_; }

 private:
  std::uint64_t root_seed_;
};

}  // namespace fleetlab
