#include "fleetlab/random/rng.h"

#include <cassert>

namespace fleetlab {

__extension__ using Uint128 = unsigned __int128;

std::uint64_t SplitMix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

std::uint64_t StableHash(std::string_view text) {
  std::uint64_t h = 0xCBF29CE484222325ULL;
  for (unsigned char c : text) {
    h ^= c;
    h *= 0x100000001B3ULL;
  }
  return h;
}

Rng::Rng(std::uint64_t seed) {
  std::uint64_t state = seed;
  for (auto& word : s_) word = SplitMix64(state);
  if ((s_[0] | s_[1] | s_[2] | s_[3]) == 0) s_[0] = 1;  // xoshiro forbids all-zero
}

std::uint64_t Rng::Below(std::uint64_t n) {
  assert(n > 0);
  Uint128 m = static_cast<Uint128>(Next()) * n;
  auto low = static_cast<std::uint64_t>(m);
  if (low < n) {
    const std::uint64_t threshold = (0 - n) % n;
    while (low < threshold) {
      m = static_cast<Uint128>(Next()) * n;
      low = static_cast<std::uint64_t>(m);
    }
  }
  return static_cast<std::uint64_t>(m >> 64);
}

Rng RandomStreams::Stream(StreamId id, std::uint64_t index) const {
  std::uint64_t state = root_seed_;
  std::uint64_t a = SplitMix64(state);
  state = a ^ StableHash(kStreamIdNames.Name(id));
  std::uint64_t b = SplitMix64(state);
  state = b ^ (index * 0xD1B54A32D192ED03ULL);
  return Rng(SplitMix64(state));
}

}  // namespace fleetlab
