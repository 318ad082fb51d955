// libFuzzer target: the lab server's request-body readers (Body, the
// scenario request with overrides, bounds) on arbitrary bytes, without
// sockets or simulations. Built by `make fuzz` (clang, ASan + UBSan).
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "server/scenario_request.h"

namespace {

using fleetlab::server::Body;

fleetlab::server::ServerContext& Context() {
  static auto ctx = [] {
    fleetlab::LabServerOptions o;
    o.workers = 1;
    return std::make_unique<fleetlab::server::ServerContext>(o, fleetlab::Catalog::LoadDefault().value(),
                                                             std::vector<fleetlab::Track>{},
                                                             std::map<std::string, std::string>{});
  }();
  return *ctx;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Body body(text, {"track", "part", "scenario", "overrides", "series", "rates", "requests", "model", "context"});
  bool series = false;
  std::int64_t requests = 0, context = 0;
  double low = 0;
  std::string model;
  body.Bool("series", &series);
  body.Integer("requests", &requests, 1, 200000);
  body.Integer("context", &context, 1, 10'000'000);
  body.String("model", &model);
  if (const auto* rates = body.Object("rates")) {
    Body r(rates->dump(), {"low", "high", "points"});
    r.Number("low", &low, 1e-6, 1e9, true);
  }
  fleetlab::server::ScenarioRequest request;
  (void)fleetlab::server::ReadScenarioRequest(body, Context(), {}, &request);
  return 0;
}
