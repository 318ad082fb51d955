// Where fleetlab's shipped files live: the folder holding data/ (the
// catalog), tracks/ (the lab's tracks), scenarios/ and web/dist (the built
// front end). A build tree reads them from its source tree; an installed
// fleetlab (`cmake --install`) from ${prefix}/share/fleetlab.
#pragma once

#include <string>

namespace fleetlab {

// The first of these that is a folder:
//  1. the environment variable FLEETLAB_SHARE_DIR (set it to run a copy
//     that was moved, or to point a program embedding fleetlab at its files);
//  2. ../share/fleetlab beside the running executable's folder (an
//     installed `fleetlab`, or a program installed into the same prefix);
//  3. the source tree the library was built from, when it still has data/;
//  4. the install folder configured at build time (CMAKE_INSTALL_PREFIX's
//     share/fleetlab);
// and the source tree's path when none is (errors then name it).
// Reads the environment and the file system on every call (no cache).
std::string ShareDirectory();

}  // namespace fleetlab
