#include "fleetlab/fleet/options.h"

namespace fleetlab {

const char* RouterPolicyName(RouterPolicy policy) { return kRouterPolicyNames.Name(policy); }

}  // namespace fleetlab
