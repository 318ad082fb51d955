#include "server/classroom/secret.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <vector>

namespace fleetlab::server {

Result<std::string> RandomToken(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  std::size_t got = 0;
  while (got < bytes) {
    const ssize_t n = getrandom(raw.data() + got, bytes - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Status::IoError("the kernel gave no random bytes (getrandom)");
    got += static_cast<std::size_t>(n);
  }
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::string out;
  std::uint32_t acc = 0;
  int bits = 0;
  for (unsigned char b : raw) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 63]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 63]);
  return out;
}

bool SameSecret(std::string_view given, std::string_view expected) {
  // Every byte of `expected` is visited whatever `given` holds; a length
  // mismatch is folded into the same accumulator.
  unsigned diff = given.size() == expected.size() ? 0u : 1u;
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const unsigned char g = i < given.size() ? static_cast<unsigned char>(given[i]) : 0;
    diff |= g ^ static_cast<unsigned char>(expected[i]);
  }
  // Keep the compiler from turning the loop into an early exit.
  volatile unsigned sink = diff;
  return sink == 0 && !expected.empty();
}

}  // namespace fleetlab::server
