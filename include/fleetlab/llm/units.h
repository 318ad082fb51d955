// Strong types for the quantities of the LLM serving model that are easy to
// mix up: tokens, KV-cache blocks and bytes. Arithmetic is allowed within a
// type; crossing types needs an explicit conversion that names the factor
// (BlocksForTokens, a bytes-per-token figure).
//
// Bytes are exact integers; sizes reported to people use GB = 10^9 bytes
// and GiB = 2^30 bytes, always labelled.
#pragma once

#include <compare>
#include <cstdint>

namespace fleetlab {

template <typename Tag>
class Count {
 public:
  constexpr Count() = default;
  constexpr explicit Count(std::int64_t v) : v_(v) {}
  constexpr std::int64_t value() const { return v_; }

  constexpr Count operator+(Count o) const { return Count(v_ + o.v_); }
  constexpr Count operator-(Count o) const { return Count(v_ - o.v_); }
  constexpr Count& operator+=(Count o) { v_ += o.v_; return *this; }
  constexpr Count& operator-=(Count o) { v_ -= o.v_; return *this; }
  constexpr Count operator*(std::int64_t k) const { return Count(v_ * k); }
  constexpr auto operator<=>(const Count&) const = default;

 private:
  std::int64_t v_ = 0;
};

struct TokensTag {};
struct BlocksTag {};
struct BytesTag {};
using Tokens = Count<TokensTag>;
using Blocks = Count<BlocksTag>;
using Bytes = Count<BytesTag>;

// Blocks needed to hold `tokens` in blocks of `block_size` tokens (ceiling).
// REQUIRES: block_size > 0, tokens >= 0.
constexpr Blocks BlocksForTokens(Tokens tokens, Tokens block_size) {
  return Blocks((tokens.value() + block_size.value() - 1) / block_size.value());
}

inline constexpr double kBytesPerGB = 1e9;
inline constexpr double kBytesPerGiB = 1073741824.0;

}  // namespace fleetlab
