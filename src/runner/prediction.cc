#include "runner/prediction.h"

namespace fleetlab {

AnalyticPrediction PredictScenario(const Scenario&) { return AnalyticPrediction{}; }

}  // namespace fleetlab
