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

// The code point at text[i] and its length in bytes; 0 if the bytes there
// are not one well-formed code point.
int Decode(std::string_view text, std::size_t i, char32_t* code) {
  const auto lead = static_cast<unsigned char>(text[i]);
  char32_t min_code = 0;
  const int n = SequenceLength(lead, &min_code);
  if (n == 0 || i + n > text.size()) return 0;
  *code = n == 1 ? lead : lead & (0x7F >> n);
  for (int k = 1; k < n; ++k) {
    const auto c = static_cast<unsigned char>(text[i + k]);
    if ((c & 0xC0) != 0x80) return 0;
    *code = (*code << 6) | (c & 0x3F);
  }
  if (*code < min_code || *code > 0x10FFFF || (*code >= 0xD800 && *code <= 0xDFFF)) return 0;
  return n;
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  char32_t code = 0;
  for (std::size_t i = 0; i < text.size();) {
    const int n = Decode(text, i, &code);
    if (n == 0) return false;
    i += static_cast<std::size_t>(n);
  }
  return true;
}

std::vector<char32_t> CodePoints(std::string_view text) {
  std::vector<char32_t> out;
  char32_t code = 0;
  for (std::size_t i = 0; i < text.size();) {
    const int n = Decode(text, i, &code);
    if (n == 0) return {};
    out.push_back(code);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

std::string TruncateUtf8(std::string_view text, std::size_t max_bytes) {
  if (text.size() <= max_bytes) return std::string(text);
  std::size_t cut = max_bytes >= 3 ? max_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return std::string(text.substr(0, cut)) + "...";
}

}  // namespace fleetlab::server
