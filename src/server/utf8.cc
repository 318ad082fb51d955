#include "server/utf8.h"

namespace fleetlab::server {
namespace {

// The length of the sequence starting with lead byte `b` and the smallest
// code point it may encode (to refuse overlong forms); 0 for an invalid lead.
int SequenceLength(unsigned char b, char32_t* min_code) {
  if (b < 0x80) return *min_code = 0, 1;
  if ((b & 0xE0) == 0xC0) return *min_code = 0x80, 2;
  if ((b & 0xF0) == 0xE0) return *min_code = 0x800, 3;
  if ((b & 0xF8) == 0xF0) return *min_code = 0x10000, 4;
  return 0;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto lead = static_cast<unsigned char>(text[i]);
    char32_t min_code = 0;
    const int n = SequenceLength(lead, &min_code);
    if (n == 0 || i + n > text.size()) return false;
    char32_t code = n == 1 ? lead : lead & (0x7F >> n);
    for (int k = 1; k < n; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      code = (code << 6) | (c & 0x3F);
    }
    if (code < min_code || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return false;
    i += n;
  }
  return true;
}

std::string TruncateUtf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes >= 3 ? max_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace fleetlab::server
