#include "fleetlab/llm/perf_model.h"

namespace fleetlab {

void StepBreakdown::Add(const StepBreakdown& other) {
  matmul_s += other.matmul_s;
  weight_memory_s += other.weight_memory_s;
  attention_s += other.attention_s;
  kv_memory_s += other.kv_memory_s;
  tp_comm_s += other.tp_comm_s;
  ep_comm_s += other.ep_comm_s;
  pp_comm_s += other.pp_comm_s;
  bubble_s += other.bubble_s;
  overhead_s += other.overhead_s;
  total_s += other.total_s;
  stage_s += other.stage_s;
  flops += other.flops;
  hbm_bytes += other.hbm_bytes;
  tp_bytes += other.tp_bytes;
}

void StepBreakdown::AddScaled(const StepBreakdown& other, double k) {
  matmul_s += k * other.matmul_s;
  weight_memory_s += k * other.weight_memory_s;
  attention_s += k * other.attention_s;
  kv_memory_s += k * other.kv_memory_s;
  tp_comm_s += k * other.tp_comm_s;
  ep_comm_s += k * other.ep_comm_s;
  pp_comm_s += k * other.pp_comm_s;
  bubble_s += k * other.bubble_s;
  overhead_s += k * other.overhead_s;
  total_s += k * other.total_s;
  stage_s += k * other.stage_s;
  flops += k * other.flops;
  hbm_bytes += k * other.hbm_bytes;
  tp_bytes += k * other.tp_bytes;
}

}  // namespace fleetlab
