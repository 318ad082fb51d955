#include "fleetlab/llm/perf_model.h"

namespace fleetlab {

void StepBreakdown::Add(const StepBreakdown& other) {
  matmul_s += other.matmul_s;
  weight_memory_s += other.weight_memory_s;
  attention_s += other.attention_s;
  kv_memory_s += other.kv_memory_s;
  tp_comm_s += other.tp_comm_s;
  pp_comm_s += other.pp_comm_s;
  bubble_s += other.bubble_s;
  overhead_s += other.overhead_s;
  total_s += other.total_s;
  stage_s += other.stage_s;
  flops += other.flops;
  hbm_bytes += other.hbm_bytes;
}

}  // namespace fleetlab
