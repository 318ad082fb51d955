// UTF-8 checks for text that reaches a JSON reply (paths, names, messages).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace fleetlab::server {

// True if `text` is well-formed UTF-8 (no overlong forms, no surrogates,
// nothing above U+10FFFF).
bool IsValidUtf8(std::string_view text);

// The code points of `text`; empty if it is not well-formed UTF-8.
std::vector<char32_t> CodePoints(std::string_view text);

// At most `max_bytes` of `text`, cut at a code point boundary, with "..."
// appended when anything was cut. REQUIRES: IsValidUtf8(text).
std::string TruncateUtf8(std::string_view text, std::size_t max_bytes);

}  // namespace fleetlab::server
