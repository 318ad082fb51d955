// The geometric bin of a positive value, as LogHistogram counts it: bin i
// holds (gamma^(i-1), gamma^i], so the bin of v is ceil(ln v / ln gamma).
// LogBinExact computes that with std::log; LogBin gives the same integer for
// every positive double without calling std::log in all but ~1 in 10^5
// cases: it estimates ln v from the exponent, a 64-entry table of ln c and
// 1/c (c = 1 + k/64) and a cubic for ln(1 + r), r < 1/64 (error < 2e-8),
// and falls back to the exact formula when the estimate lies within 1e-5
// bins of a bin edge (far above the estimate's error in bin units, ~2e-6).
// LogBinAfter remembers the last value's bin and its interval, for streams
// whose consecutive values mostly share a bin.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace fleetlab::log_bin {

// REQUIRES: log_gamma > 0 (the log of the bins' ratio).
inline int LogBinExact(double v, double log_gamma) { return static_cast<int>(std::ceil(std::log(v) / log_gamma)); }

struct Table {
  std::array<double, 64> log_c{}, inv_c{};
};

inline const Table& TableOfLogs() {
  static const Table table = [] {
    Table t;
    for (int k = 0; k < 64; ++k) {
      const double c = 1.0 + k / 64.0;
      t.log_c[static_cast<std::size_t>(k)] = std::log(c);
      t.inv_c[static_cast<std::size_t>(k)] = 1.0 / c;
    }
    return t;
  }();
  return table;
}

// The bits of a double, and back (std::bit_cast is missing from the
// WebAssembly build's libc++).
inline std::uint64_t BitsOf(double v) {
  std::uint64_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}
inline double DoubleOf(std::uint64_t bits) {
  double v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

// REQUIRES: v > 0 and finite; log_gamma > 0 and inv_log_gamma == 1 / log_gamma.
inline int LogBin(double v, double log_gamma, double inv_log_gamma) {
  const std::uint64_t bits = BitsOf(v);
  const auto biased = static_cast<int>(bits >> 52);  // sign is 0 for v > 0
  if (biased == 0 || biased == 0x7ff) return LogBinExact(v, log_gamma);  // subnormal, inf
  const auto k = static_cast<std::size_t>((bits >> 46) & 63);
  const double m = DoubleOf((bits & ((std::uint64_t{1} << 52) - 1)) | (std::uint64_t{1023} << 52));
  const Table& t = TableOfLogs();
  const double r = m * t.inv_c[k] - 1.0;  // m = c (1 + r), 0 <= r < 1/64
  const double ln = (biased - 1023) * 0.6931471805599453 + t.log_c[k] + r * (1.0 - r * (0.5 - r * (1.0 / 3.0)));
  const double y = ln * inv_log_gamma;
  const double edge = std::ceil(y);
  if (edge - y < 1e-5 || y - (edge - 1.0) < 1e-5) return LogBinExact(v, log_gamma);
  return static_cast<int>(edge);
}

// The last value's bin and its interval, for LogBinAfter.
struct LastBin {
  int bin = 0;
  double low = 0, high = 0;  // empty until the first value
};

// LogBin through the last value's bin: a value strictly inside that bin's
// interval, its edges exp(i ln gamma) / gamma and exp(i ln gamma) pulled in
// by a relative 1e-12, has the same bin. The pull is far more than the
// edges' rounding and that of ln v / ln gamma (below 1e-13 wherever
// |ln v| < 700; outside that range nothing is remembered), so the result
// equals LogBinExact for every v. The interval (an exp) is computed when two
// values in a row share a bin, so values that jump pay only a comparison.
// REQUIRES: as LogBin; inv_gamma is 1 / gamma (to a few ulps: the pull
// covers them); `last` left by earlier calls with the same gamma.
inline int LogBinAfter(double v, double log_gamma, double inv_log_gamma, double inv_gamma, LastBin& last) {
  if (v > last.low && v < last.high) return last.bin;
  const int bin = LogBin(v, log_gamma, inv_log_gamma);
  const double high_ln = bin * log_gamma;
  if (bin == last.bin && high_ln > -700 && high_ln < 700) {
    const double high = std::exp(high_ln);
    last.low = high * inv_gamma * (1 + 1e-12);
    last.high = high * (1 - 1e-12);
  } else {
    last.low = last.high = 0;
  }
  last.bin = bin;
  return bin;
}

}  // namespace fleetlab::log_bin
