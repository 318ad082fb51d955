// EstimateInference (inference_cost.h): validate the shape, split the layer
// range into pipeline stages, run each layer through the roofline on one
// device's share, add collectives, transfers and overhead, then the memory
// fit and the energy. Formulas: docs/model.md, "Non-LLM models and edge
// devices".
#include "fleetlab/analytic/parallelism.h"
#include "fleetlab/llm/inference_cost.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "llm/perf/decoder_stage.h"
#include "llm/perf/inference_work.h"

namespace fleetlab {
namespace {

using inference_internal::DecoderPlacement;
using inference_internal::LayerWork;
using inference_internal::WorkShape;

Status Field(const char* field, const std::string& message) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, message));
}

std::int64_t DefaultTokens(const ModelSpec& m, std::int64_t tokens) {
  return tokens > 0 ? tokens : (m.IsEncoder() ? m.EncoderTokens() : tokens);
}

Status CheckModel(const ModelSpec& m) {
  const bool transformer_ok = m.hidden > 0 && m.heads > 0 && m.head_dim > 0 && m.ffn > 0 &&
                              (m.IsEncoder() || (m.kv_heads > 0 && m.vocab > 0));
  const bool list_ok = static_cast<std::int64_t>(m.layer_list.size()) == m.layers;
  const bool ok = m.layers > 0 && (m.IsLayerList() ? list_ok : transformer_ok);
  if (!ok) return Field("model", fmt::format("\"{}\" has an incomplete {} shape", m.id, m.architecture));
  return Status::Ok();
}

Status CheckTokens(const ModelSpec& m, const InferenceShape& s) {
  if (s.tokens < 0) return Field("shape.tokens", fmt::format("must be >= 0 (got {})", s.tokens));
  if (s.context < 0) return Field("shape.context", fmt::format("must be >= 0 (got {})", s.context));
  if (m.IsLayerList() && s.tokens != 0) {
    return Field("shape.tokens", fmt::format("must be 0 for layer-list model {} (one input is one frame or image) "
                                             "(got {})", m.id, s.tokens));
  }
  if (!m.IsDecoder() && s.context != 0) {
    return Field("shape.context", fmt::format("must be 0 for {} model {} (no KV cache) (got {})", m.architecture,
                                              m.id, s.context));
  }
  if (m.IsDecoder() && s.tokens == 0) {
    return Field("shape.tokens", fmt::format("must be > 0 for decoder model {} (tokens per input)", m.id));
  }
  if (m.IsDecoder() && s.tokens + s.context > m.max_context) {
    return Field("shape.tokens", fmt::format("tokens + context ({}) exceed {}'s max context of {}",
                                             s.tokens + s.context, m.id, m.max_context));
  }
  return Status::Ok();
}

Status CheckSplit(const ModelSpec& m, const InferenceShape& s, std::int64_t last) {
  const std::int64_t n = LayerCount(m);
  if (s.batch < 1) return Field("shape.batch", fmt::format("must be >= 1 (got {})", s.batch));
  if (s.tp < 1) return Field("shape.tp", fmt::format("must be >= 1 (got {})", s.tp));
  if (s.pp < 1) return Field("shape.pp", fmt::format("must be >= 1 (got {})", s.pp));
  if (s.first_layer < 0 || s.first_layer >= n) {
    return Field("shape.first_layer", fmt::format("must be in [0, {}) for {} (got {})", n, m.id, s.first_layer));
  }
  if (last <= s.first_layer || last > n) {
    return Field("shape.last_layer", fmt::format("must be -1 or in ({}, {}] for {} (got {})", s.first_layer, n, m.id,
                                                 s.last_layer));
  }
  if (s.pp > last - s.first_layer) {
    return Field("shape.pp", fmt::format("must be <= the {} layers in [{}, {}) (got {})", last - s.first_layer,
                                         s.first_layer, last, s.pp));
  }
  if (!m.IsLayerList() && m.heads % s.tp != 0) {
    return Field("shape.tp", fmt::format("must divide {}'s {} attention heads (got {})", m.id, m.heads, s.tp));
  }
  if (m.IsDecoder() && m.kv_heads % s.tp != 0 && s.tp % m.kv_heads != 0) {
    return Field("shape.tp", fmt::format("must divide {}'s {} KV heads or be a multiple of them (got {})", m.id,
                                         m.kv_heads, s.tp));
  }
  return Status::Ok();
}

Status CheckPlacement(const GpuSpec& d, const LinkSpec* link, const InferenceShape& s, const PerfEfficiency& e) {
  if (!d.PeakFlops(s.dtype)) {
    std::string has;
    for (const auto& [dt, f] : d.peak_flops) has += (has.empty() ? "" : ", ") + std::string(DTypeName(dt));
    return Field("shape.dtype", fmt::format("{} has no {} math (it has: {})", d.id, DTypeName(s.dtype), has));
  }
  if (!(d.memory_bandwidth_Bps > 0)) return Field("device", fmt::format("{} has no memory bandwidth", d.id));
  if ((s.tp > 1 || s.pp > 1) && (link == nullptr || !(link->bandwidth_Bps > 0))) {
    return Field("tp_link", "required (with bandwidth > 0) when tp or pp > 1");
  }
  const std::pair<const char*, double> fractions[] = {
      {"efficiency.matmul", e.matmul}, {"efficiency.attention", e.attention},
      {"efficiency.memory", e.memory}, {"efficiency.link", e.link}};
  for (const auto& [name, v] : fractions) {
    if (!(v > 0 && v <= 1)) return Field(name, fmt::format("must be a fraction in (0, 1] (got {})", v));
  }
  if (!(s.overhead_s >= 0)) return Field("shape.overhead_s", fmt::format("must be >= 0 (got {})", s.overhead_s));
  return Status::Ok();
}

// A calibration profile prices a decoder's layers on the GPU and dtype its
// kernels were timed on (calibration.h).
Status CheckCalibration(const ModelSpec& m, const GpuSpec& d, const InferenceShape& s, const CalibrationProfile* p) {
  if (p == nullptr) return Status::Ok();
  if (!m.IsDecoder()) {
    return Field("calibration", fmt::format("{} times LLM decoder kernels; {} is {} model", p->id, m.id,
                                            m.IsEncoder() ? "an encoder" : "a layer-list"));
  }
  if (p->gpu != d.id || p->dtype != s.dtype) {
    return Field("calibration", fmt::format("{} is for {} in {}; this placement is {} in {}", p->id, p->gpu,
                                            DTypeName(p->dtype), d.id, DTypeName(s.dtype)));
  }
  return Status::Ok();
}

// The per-device rates of one placement.
struct Rates {
  double matmul, attention, memory, link, alpha;
  int tp;
  double kv_divisor;  // KV heads split up to their count, then replicate (MLA: 1)
};

// One stage: its layers on one device's share.
struct Stage {
  double compute_s = 0, memory_s = 0, tp_comm_s = 0;
  double weights = 0, live = 0, state = 0, kv = 0;
};

void Roof(double flops, double bytes, double flops_per_s, double bytes_per_s, Stage* st) {
  const double compute = flops / flops_per_s, memory = bytes / bytes_per_s;
  (compute >= memory ? st->compute_s : st->memory_s) += std::max(compute, memory);
}

// What a layer holds on one device: weights, live activations, state, KV.
void HoldLayer(const LayerWork& w, const Rates& r, Stage* st) {
  st->weights += w.resident_weight_bytes / r.tp;
  st->live = std::max(st->live, w.live_bytes / r.tp);
  st->state += w.state_bytes / r.tp;
  st->kv += w.kv_bytes / r.kv_divisor;
}

// An encoder or layer-list layer's time and work (decoders: DecoderStep).
void TimeLayer(const LayerWork& w, const Rates& r, Stage* st, InferenceCost* c) {
  const double tp = r.tp;
  Roof(w.matmul_flops / tp, (w.weight_bytes + w.activation_bytes) / tp, r.matmul, r.memory, st);
  if (w.attention_flops > 0 || w.attention_bytes > 0) {
    Roof(w.attention_flops / tp, w.attention_bytes / tp, r.attention, r.memory, st);
  }
  if (w.extra_flops > 0 || w.extra_bytes > 0) Roof(w.extra_flops / tp, w.extra_bytes / tp, r.matmul, r.memory, st);
  const double payload = w.tp_payload_bytes;
  st->tp_comm_s += w.tp_all_reduces * analytic::RingAllReduceTime(payload, r.tp, r.link, r.alpha);
  if (w.tp_all_gather) st->tp_comm_s += analytic::RingAllGatherTime(payload, r.tp, r.link, r.alpha);
  c->flops += w.matmul_flops + w.attention_flops + w.extra_flops;
  c->bytes_moved += w.weight_bytes + w.activation_bytes + w.attention_bytes + w.extra_bytes;
}

// A decoder stage's time and work: the replica's roofline (decoder_stage.h).
void TimeDecoderStage(const StepBreakdown& b, Stage* st, InferenceCost* c) {
  st->compute_s += b.matmul_s + b.attention_s;
  st->memory_s += b.weight_memory_s + b.kv_memory_s;
  st->tp_comm_s += b.tp_comm_s + b.ep_comm_s;
  c->flops += b.flops;
  c->bytes_moved += b.hbm_bytes;
}

std::string Size(double bytes, double limit) {
  if (limit < 16.0 * 1048576) return fmt::format("{:.0f} KiB", bytes / 1024);
  if (limit < 16.0 * kBytesPerGiB) return fmt::format("{:.0f} MiB", bytes / 1048576);
  return fmt::format("{:.1f} GB", bytes / kBytesPerGB);
}

void Energy(const GpuSpec& d, const std::vector<Stage>& stages, const InferenceShape& s, InferenceCost* c) {
  if (d.HasOpEnergies()) {
    c->energy_j = c->flops * d.energy_per_flop_j + c->bytes_moved * d.energy_per_byte_j +
                  d.idle_power_w * c->seconds * c->devices;
    return;
  }
  for (const Stage& st : stages) {
    const double busy = st.compute_s + st.memory_s + st.tp_comm_s + s.overhead_s;
    c->energy_j += s.tp * (d.ActivePowerW() * busy + d.idle_power_w * (c->seconds - busy));
  }
}

}  // namespace

std::int64_t LayerCount(const ModelSpec& model) { return model.layers; }

Result<double> DutyCycledPowerW(const GpuSpec& device, const InferenceCost& cost, double period_s, bool sleep_between) {
  if (!(period_s > 0) || period_s < cost.seconds) {
    return Field("period_s", fmt::format("must be > 0 and >= the batch's {} s (got {})", cost.seconds, period_s));
  }
  if (sleep_between && !(device.sleep_power_w > 0 || device.wakeup_energy_j > 0)) {
    return Field("sleep_between", fmt::format("{} gives no sleep_power_w or wakeup_energy_uj", device.id));
  }
  const double rest = period_s - cost.seconds;
  const double between =
      sleep_between ? device.wakeup_energy_j + device.sleep_power_w * rest : device.idle_power_w * rest;
  return (cost.energy_j + between * cost.devices) / period_s;
}

Result<double> ActivationBytesAfter(const ModelSpec& model, std::int64_t layer, DType dtype, std::int64_t tokens) {
  if (layer < 0 || layer >= LayerCount(model)) {
    return Field("layer", fmt::format("must be in [0, {}) for {} (got {})", LayerCount(model), model.id, layer));
  }
  const double t = static_cast<double>(DefaultTokens(model, tokens));
  return inference_internal::ElementsBefore(model, layer + 1, t) * BytesPerElement(dtype);
}

double ForwardFlopsPerInput(const ModelSpec& model, std::int64_t tokens) {
  WorkShape ws;
  ws.tokens = static_cast<double>(DefaultTokens(model, tokens));
  if (!model.IsLayerList() && !(ws.tokens > 0)) return 0;
  double flops = 0;
  for (std::int64_t i = 0; i < LayerCount(model); ++i) {
    const LayerWork w = inference_internal::WorkOf(model, i, ws);
    flops += w.matmul_flops + w.attention_flops + w.extra_flops;
  }
  return flops;
}

namespace {

Rates MakeRates(const ModelSpec& model, const GpuSpec& device, const LinkSpec* link, const InferenceShape& shape,
                const PerfEfficiency& eff) {
  const double peak = *device.PeakFlops(shape.dtype);
  // KV heads split over TP up to their count, then replicate; an MLA latent
  // is shared by every head, so each TP rank holds all of it.
  const double kv_divisor = static_cast<double>(
      !model.IsDecoder() ? shape.tp : model.IsMla() ? 1 : std::min<std::int64_t>(shape.tp, model.kv_heads));
  return Rates{peak * eff.matmul,
               peak * eff.attention,
               device.memory_bandwidth_Bps * eff.memory,
               link != nullptr ? link->bandwidth_Bps * eff.link : 1.0,
               link != nullptr ? link->latency_s : 0.0,
               shape.tp,
               kv_divisor};
}

// What stays fixed across batch sizes: each stage's layers [begin, end)
// (the layers [first, last) cut into pp stages of equal count) and, for a
// decoder, each stage's roofline (built once: a batch is then one step).
struct Prepared {
  std::vector<std::pair<std::int64_t, std::int64_t>> ranges;
  std::vector<std::unique_ptr<PerfModel>> decoder;
};

Result<Prepared> Prepare(const ModelSpec& model, const InferenceShape& shape, std::int64_t last,
                         const DecoderPlacement& placement) {
  Prepared out;
  const std::int64_t n = last - shape.first_layer;
  for (int p = 0; p < shape.pp; ++p) {
    const std::int64_t begin = shape.first_layer + p * n / shape.pp, end = shape.first_layer + (p + 1) * n / shape.pp;
    out.ranges.emplace_back(begin, end);
    if (!model.IsDecoder()) continue;
    auto stage = inference_internal::DecoderStage(model, begin, end, placement);
    if (!stage.ok()) return stage.status();
    out.decoder.push_back(std::move(stage).value());
  }
  return out;
}

// The stages of one batch; the transfers between them go into
// c->pp_comm_s. A decoder's stages are timed by the replica's roofline,
// other models layer by layer.
std::vector<Stage> RunStages(const ModelSpec& model, const InferenceShape& shape, std::int64_t last,
                             const WorkShape& ws, const Rates& r, const Prepared& prepared, InferenceCost* c) {
  std::vector<Stage> stages(static_cast<std::size_t>(shape.pp));
  for (std::size_t p = 0; p < stages.size(); ++p) {
    const auto [begin, end] = prepared.ranges[p];
    Stage& st = stages[p];
    for (std::int64_t i = begin; i < end; ++i) {
      const LayerWork w = inference_internal::WorkOf(model, i, ws);
      HoldLayer(w, r, &st);
      if (!model.IsDecoder()) TimeLayer(w, r, &st, c);
    }
    if (model.IsDecoder()) TimeDecoderStage(inference_internal::DecoderStep(*prepared.decoder[p], ws), &st, c);
    if (p > 0) {  // the transfer into this stage
      const double bytes = inference_internal::ElementsBefore(model, begin, ws.tokens) * ws.batch * ws.bytes;
      c->pp_comm_s += bytes / r.link + r.alpha;
    }
  }
  // A tied LM head shares the embedding table, unless the last layer runs on
  // a different device from layer 0 (a pipeline or a split): that device
  // holds its own copy.
  if (model.IsDecoder() && model.tied_embeddings && last == LayerCount(model) &&
      (shape.first_layer > 0 || shape.pp > 1)) {
    stages.back().weights += static_cast<double>(model.vocab * model.hidden) * ws.bytes / shape.tp;
  }
  return stages;
}

// Times, per-device memory and the fit, from the stages.
void Summarise(const std::vector<Stage>& stages, const InferenceShape& shape, const GpuSpec& device,
               InferenceCost* c) {
  double need = 0;
  for (const Stage& st : stages) {
    c->compute_s += st.compute_s;
    c->memory_s += st.memory_s;
    c->comm_s += st.tp_comm_s;
    c->stage_s = std::max(c->stage_s, st.compute_s + st.memory_s + st.tp_comm_s + shape.overhead_s);
    c->weight_bytes_per_device = std::max(c->weight_bytes_per_device, st.weights);
    c->activation_bytes_peak = std::max(c->activation_bytes_peak, st.live + st.state);
    c->kv_bytes_per_device = std::max(c->kv_bytes_per_device, st.kv);
    need = std::max(need, st.weights + st.live + st.state + st.kv);
  }
  c->comm_s += c->pp_comm_s;
  c->overhead_s = shape.overhead_s * shape.pp;
  c->seconds = c->compute_s + c->memory_s + c->comm_s + c->overhead_s;
  const double has = device.FitBytes();
  c->fits = need <= has;
  if (!c->fits) c->fit_note = fmt::format("needs {}, has {}", Size(need, has), Size(has, has));
}

}  // namespace

namespace {

// One batch of `shape` on a checked, prepared placement.
InferenceCost EstimateOne(const ModelSpec& model, const GpuSpec& device, const LinkSpec* tp_link,
                          const InferenceShape& shape, const PerfEfficiency& eff, std::int64_t last,
                          const Prepared& prepared) {
  const WorkShape ws{static_cast<double>(shape.batch), static_cast<double>(DefaultTokens(model, shape.tokens)),
                     static_cast<double>(shape.context), BytesPerElement(shape.dtype)};
  InferenceCost c;
  c.devices = shape.tp * shape.pp;
  const std::vector<Stage> stages =
      RunStages(model, shape, last, ws, MakeRates(model, device, tp_link, shape, eff), prepared, &c);
  Summarise(stages, shape, device, &c);
  c.input_bytes = shape.first_layer == 0 && model.IsDecoder()
                      ? ws.batch * ws.tokens * 4.0  // int32 token ids
                      : inference_internal::ElementsBefore(model, shape.first_layer, ws.tokens) * ws.batch * ws.bytes;
  c.boundary_bytes = inference_internal::ElementsBefore(model, last, ws.tokens) * ws.batch * ws.bytes;
  Energy(device, stages, shape, &c);
  return c;
}

// The checks, then the placement prepared for any batch size.
Result<Prepared> CheckAndPrepare(const ModelSpec& model, const GpuSpec& device, const LinkSpec* tp_link,
                                 const InferenceShape& shape, const PerfEfficiency& eff,
                                 const std::shared_ptr<const CalibrationProfile>& calibration, std::int64_t last) {
  FLEETLAB_RETURN_IF_ERROR(CheckModel(model));
  FLEETLAB_RETURN_IF_ERROR(CheckSplit(model, shape, last));
  FLEETLAB_RETURN_IF_ERROR(CheckTokens(model, shape));
  FLEETLAB_RETURN_IF_ERROR(CheckPlacement(device, tp_link, shape, eff));
  FLEETLAB_RETURN_IF_ERROR(CheckCalibration(model, device, shape, calibration.get()));
  return Prepare(model, shape, last, DecoderPlacement{&device, tp_link, shape.tp, shape.dtype, eff, calibration});
}

}  // namespace

Result<InferenceCost> EstimateInference(const ModelSpec& model, const GpuSpec& device, const LinkSpec* tp_link,
                                        const InferenceShape& shape, const PerfEfficiency& eff,
                                        const std::shared_ptr<const CalibrationProfile>& calibration) {
  const std::int64_t last = shape.last_layer == -1 ? LayerCount(model) : shape.last_layer;
  auto prepared = CheckAndPrepare(model, device, tp_link, shape, eff, calibration, last);
  if (!prepared.ok()) return prepared.status();
  return EstimateOne(model, device, tp_link, shape, eff, last, *prepared);
}

Status EstimateInferenceBatches(const ModelSpec& model, const GpuSpec& device, const LinkSpec* tp_link,
                                const InferenceShape& shape, int max_batch, const PerfEfficiency& eff,
                                const std::shared_ptr<const CalibrationProfile>& calibration,
                                const BatchCostVisitor& each) {
  if (max_batch < 1) return Field("max_batch", fmt::format("must be >= 1 (got {})", max_batch));
  const std::int64_t last = shape.last_layer == -1 ? LayerCount(model) : shape.last_layer;
  InferenceShape one = shape;
  one.batch = 1;
  auto prepared = CheckAndPrepare(model, device, tp_link, one, eff, calibration, last);
  if (!prepared.ok()) return prepared.status();
  for (; one.batch <= max_batch; ++one.batch) {
    FLEETLAB_RETURN_IF_ERROR(each(one.batch, EstimateOne(model, device, tp_link, one, eff, last, *prepared)));
  }
  return Status::Ok();
}

}  // namespace fleetlab
