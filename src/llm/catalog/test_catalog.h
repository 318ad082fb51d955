// Test helpers shared by the LLM tests: the shipped catalog, loaded once,
// and a replica's hardware built from it.
#pragma once

#include <string>

#include <gtest/gtest.h>

#include "fleetlab/llm/catalog.h"
#include "fleetlab/llm/perf_model.h"

namespace fleetlab::test {

inline const Catalog& Shipped() {
  static const Catalog catalog = [] {
    auto c = Catalog::LoadDefault();
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? *c : Catalog();
  }();
  return catalog;
}

// `model` on tp x pp `gpu`s linked by the GPU's scale-up link.
inline ReplicaHardware Hardware(const std::string& model, const std::string& gpu, int tp, int pp) {
  ReplicaHardware hw;
  hw.model = *Shipped().FindModel(model);
  hw.gpu = *Shipped().FindGpu(gpu);
  hw.tp_link = *Shipped().FindLink(hw.gpu.scale_up_link);
  hw.pp_link = hw.tp_link;
  hw.tp = tp;
  hw.pp = pp;
  return hw;
}

}  // namespace fleetlab::test
