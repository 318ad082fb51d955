#include "fleetlab/util/number.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace fleetlab {

bool ParseDouble(std::string_view s, double* out) {
  if (s.empty() || s.front() == '+' || std::isspace(static_cast<unsigned char>(s.front()))) return false;
  const std::string text(s);  // strtod needs a terminated string; an embedded NUL ends it early: refused below
  const std::size_t sign = text[0] == '-' ? 1 : 0;
  const bool hex = text.size() > sign + 1 && text[sign] == '0' && (text[sign + 1] == 'x' || text[sign + 1] == 'X');
  if (hex || (sign == 1 && (text.size() == 1 || text[1] == '+' || std::isspace(static_cast<unsigned char>(text[1]))))) {
    return false;
  }
  errno = 0;
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return false;
  // ERANGE: overflow (inf) or underflow; a subnormal result is kept, as from_chars keeps it.
  if (errno == ERANGE && (v == 0 || std::isinf(v))) return false;
  *out = v;
  return true;
}

}  // namespace fleetlab
