// DecoderStage and DecoderStep (decoder_stage.h): a layer range becomes a
// model of its own, and a batch one iteration of the replica's roofline.
#include "llm/perf/decoder_stage.h"

#include <algorithm>
#include <cassert>

namespace fleetlab::inference_internal {

ModelSpec DecoderRange(const ModelSpec& m, std::int64_t begin, std::int64_t end) {
  assert(m.IsDecoder() && 0 <= begin && begin < end && end <= m.layers);
  ModelSpec r = m;
  r.layers = end - begin;
  r.dense_layers = std::max<std::int64_t>(0, std::min(end, m.dense_layers) - begin);
  r.local_layers = m.local_layers * end / m.layers - m.local_layers * begin / m.layers;
  return r;
}

namespace {

// The iteration the replica would run for this batch: a decode step when
// each input adds one token to a context, else one prefill chunk per input.
IterationShape IterationOf(const WorkShape& s) {
  const auto batch = static_cast<std::int64_t>(s.batch), tokens = static_cast<std::int64_t>(s.tokens);
  const auto context = static_cast<std::int64_t>(s.context);
  IterationShape it;
  if (tokens == 1 && context > 0) {
    it.decode_sequences = it.decode_tokens = batch;
    it.decode_context_tokens = batch * context;
    return it;
  }
  it.prefill_tokens = batch * tokens;
  it.prefill_attention_pairs = s.batch * (s.tokens * s.context + s.tokens * (s.tokens + 1) / 2);
  it.prefill_context_tokens = batch * context;
  return it;
}

}  // namespace

Result<std::unique_ptr<PerfModel>> DecoderStage(const ModelSpec& m, std::int64_t begin, std::int64_t end,
                                                const DecoderPlacement& p) {
  assert(p.device != nullptr);
  ReplicaHardware hw;
  hw.model = DecoderRange(m, begin, end);
  hw.gpu = *p.device;
  if (p.tp_link != nullptr) hw.tp_link = *p.tp_link;
  hw.weight_dtype = hw.activation_dtype = hw.kv_dtype = p.dtype;
  hw.tp = p.tp;
  hw.efficiency = p.efficiency;
  hw.iteration_overhead_s = 0;
  hw.calibration = p.calibration;
  hw.lm_head = end == m.layers;
  return MakeRooflineModel(hw);
}

StepBreakdown DecoderStep(const PerfModel& stage, const WorkShape& s) {
  assert(s.tokens >= 1);
  return stage.Iteration(IterationOf(s));
}

}  // namespace fleetlab::inference_internal
