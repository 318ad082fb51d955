#include "fleetlab/analytic/speculative.h"

#include <cassert>

namespace fleetlab::analytic {

double SpeculativeTokensPerStep(double alpha, int gamma) {
  assert(alpha >= 0 && alpha <= 1 && gamma >= 0);
  double sum = 0;
  double power = 1;
  for (int i = 0; i <= gamma; ++i) {
    sum += power;
    power *= alpha;
  }
  return sum;
}

double SpeculativeSpeedup(double alpha, int gamma, double cost) {
  assert(cost >= 0);
  return SpeculativeTokensPerStep(alpha, gamma) / (gamma * cost + 1);
}

}  // namespace fleetlab::analytic
