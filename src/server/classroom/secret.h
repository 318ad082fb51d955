// Secrets of the classroom: random tokens (the instructor's, each
// student's key) and their comparison in constant time.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "fleetlab/status.h"

namespace fleetlab::server {

// `bytes` random bytes from the kernel (getrandom), as unpadded base64url
// (4 characters per 3 bytes). Fails only if the kernel gives none.
Result<std::string> RandomToken(std::size_t bytes);

// True when `given` equals `expected`, in a time that depends only on
// expected's length (never on where they first differ, nor on given's length).
bool SameSecret(std::string_view given, std::string_view expected);

}  // namespace fleetlab::server
