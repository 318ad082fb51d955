// Reading a number from text at the input edge (trace files, flags).
#pragma once

#include <string_view>

namespace fleetlab {

// True and *out set when the whole of `s` is one decimal floating-point
// number as std::from_chars reads it (general format: an optional '-', digits
// with an optional '.' and exponent, or inf/infinity/nan): no leading space,
// no '+', no hexadecimal; a value beyond a double (1e400) or one that
// underflows to 0 (1e-400) is refused. Written over strtod in the "C" locale
// rather than std::from_chars because the libc++ of the WebAssembly build
// (emscripten 3.1.6) has no from_chars for double; both builds use this one.
bool ParseDouble(std::string_view s, double* out);

}  // namespace fleetlab
