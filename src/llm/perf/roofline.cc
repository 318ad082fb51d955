// The roofline performance model (Williams, Waterman, Patterson 2009) of one
// replica: tp x pp GPUs running one model. Every formula is in docs/model.md
// with its citation; the comments here name the section.
//
// All transformer layers are identical, so one layer's per-GPU times are
// computed once and multiplied by the layer count: the sum over pipeline
// stages of each stage's layers is then exactly layers x one layer.
#include <algorithm>
#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "fleetlab/analytic/parallelism.h"
#include "fleetlab/llm/perf_model.h"
#include "llm/perf/attention_cost.h"
#include "llm/perf/moe_cost.h"

namespace fleetlab {
namespace {

// One roofline: the time is the larger of the compute and the memory time,
// charged to the bound that won (a tie counts as compute bound).
struct Roof {
  double flops = 0;  // per GPU
  double bytes = 0;  // HBM bytes per GPU
};

// `floor_s` is a fixed time per repetition on top (kernel launches), charged
// to the same bound.
void Charge(const Roof& r, double flops_per_s, double bytes_per_s, double times, double* compute_s,
            double* memory_s, double floor_s = 0) {
  const double compute = r.flops / flops_per_s, memory = r.bytes / bytes_per_s;
  (compute >= memory ? *compute_s : *memory_s) += times * (std::max(compute, memory) + floor_s);
}

// The all-reduce time the GPU waits for when a fraction `overlap` of the
// `comm` seconds runs while it computes for `compute` seconds: the rest, and
// what the overlapped part outlasts the compute by.
double ExposedComm(double comm, double compute, double overlap) {
  return (1 - overlap) * comm + std::max(0.0, overlap * comm - compute);
}

std::string Divisors(std::int64_t n) {
  std::string out;
  for (std::int64_t d = 1; d <= n; ++d) {
    if (n % d == 0) out += (out.empty() ? "" : ", ") + std::to_string(d);
  }
  return out;
}

class RooflineModel final : public PerfModel {
 public:
  explicit RooflineModel(const ReplicaHardware& hw);
  StepBreakdown Iteration(const IterationShape& shape) const override;
  const ReplicaHardware& hardware() const override { return hw_; }
  std::string name() const override { return "roofline"; }

 private:
  double TouchedLayerParams(double tokens) const;
  double MatmulFlopsPerS(double tokens) const;
  double TokensPerTouchedExpert(double tokens) const;
  void ChargeLinear(const Roof& r, double rows, double layers, double gpus, double kernels, StepBreakdown* b) const;
  void ChargeExperts(const Roof& r, double tokens_per_expert, double gpus, double mean_flops, StepBreakdown* b) const;
  double AllReduceTime(double bytes, double bandwidth) const;
  void AddLinear(double tokens, StepBreakdown* b) const;
  void AddProfiledMoeLayers(double group_tokens, double gpus, StepBreakdown* b) const;
  void AddAttention(const IterationShape& shape, StepBreakdown* b) const;
  void AddTpComm(double tokens, StepBreakdown* b) const;
  void AddLmHead(const IterationShape& shape, StepBreakdown* b) const;

  ReplicaHardware hw_;
  double layers_, tp_, dp_;
  double standard_layers_, dense_layers_;
  const CalibrationProfile* calibration_;  // hw_.calibration.get()
  double peak_flops_per_s_;
  double matmul_flops_per_s_, attention_flops_per_s_, weight_bytes_per_s_, kv_bytes_per_s_;
  double kernel_floor_s_ = 0, kernels_per_layer_ = 0;
  double matmul_ceiling_ = 1;  // the profile's, where it has one: the curve never passes it
  double prefill_attention_floor_s_ = 0, decode_attention_floor_s_ = 0;  // per layer (calibration)
  double tp_overlap_ = 0;  // of each TP all-reduce, the share run under compute (calibration)
  const Curve* all_reduce_s_ = nullptr;  // measured all-reduce times at this TP over the scale-up link
  const Curve* prefill_attention_ = nullptr;  // the profile's prefill efficiency by context, if it has one
  const CalibrationProfile* moe_ = nullptr;  // the profile, where it prices this MoE model's routed experts
  double weight_bytes_, activation_bytes_;
  attention_cost::LayerConstants layer_;  // of hw_.model at hw_.tp

  // What depends only on an iteration's token count, for the small counts
  // decode iterations have (filled by the constructor; Iteration adds the
  // same values in the same order, so results are bit-identical): the
  // linear layers' and TP communication's terms for T tokens, and the LM
  // head's for n = decode tokens (+1 with a prefill) rows.
  // The linear memo holds whole breakdowns (the other fields zero): an
  // iteration starts as a copy of one, where zeroing a breakdown first was a
  // `rep stos` as slow as the rest of a decode iteration's arithmetic.
  struct TokenTerms {
    double matmul_s = 0, weight_memory_s = 0, flops = 0, hbm_bytes = 0;
  };
  static constexpr std::int64_t kMemoTokens = 256;
  std::vector<StepBreakdown> linear_memo_;  // index T (0: all zero, an empty iteration)
  std::vector<TokenTerms> lm_head_memo_;    // index n, 0 unused
  void FillMemo();
  // A breakdown holding AddLinear and AddTpComm for `tokens` and zero else.
  // REQUIRES: tokens >= 0.
  StepBreakdown LinearAndTpComm(std::int64_t tokens) const;
  void AddLmHeadRows(std::int64_t rows_before_dp, StepBreakdown* b) const;
};


RooflineModel::RooflineModel(const ReplicaHardware& hw) : hw_(hw) {
  const ModelSpec& m = hw_.model;
  const double peak = *hw_.gpu.PeakFlops(hw_.activation_dtype);
  layers_ = static_cast<double>(m.layers);
  standard_layers_ = static_cast<double>(m.StandardLayers());
  dense_layers_ = static_cast<double>(m.dense_layers);
  tp_ = hw_.tp;
  dp_ = hw_.attention_dp;
  calibration_ = hw_.calibration.get();
  peak_flops_per_s_ = peak;
  matmul_flops_per_s_ = peak * hw_.efficiency.matmul;
  attention_flops_per_s_ = peak * hw_.efficiency.attention;
  weight_bytes_per_s_ = kv_bytes_per_s_ = hw_.gpu.memory_bandwidth_Bps * hw_.efficiency.memory;
  if (calibration_ != nullptr) {  // calibration.h: measured where the profile has it
    const CalibrationProfile& c = *calibration_;
    weight_bytes_per_s_ = hw_.gpu.memory_bandwidth_Bps * c.weight_memory_efficiency;
    if (c.attention_efficiency) attention_flops_per_s_ = peak * *c.attention_efficiency;
    if (c.kv_memory_efficiency) kv_bytes_per_s_ = hw_.gpu.memory_bandwidth_Bps * *c.kv_memory_efficiency;
    kernel_floor_s_ = c.kernel_floor_s;
    matmul_ceiling_ = c.matmul_ceiling.value_or(1.0);
    prefill_attention_floor_s_ = c.prefill_attention_floor_s.value_or(0.0);
    decode_attention_floor_s_ = c.decode_attention_floor_s.value_or(0.0);
    kernels_per_layer_ = c.kernels_per_layer;
    tp_overlap_ = c.tp_overlap.value_or(0.0);
    if (!c.prefill_attention_efficiency.empty()) prefill_attention_ = &c.prefill_attention_efficiency;
    if (c.HasMoe() && m.IsMoe() && !hw_.weight_gathered) moe_ = &c;
    const auto curve = c.all_reduce_s.find(hw_.tp);
    if (curve != c.all_reduce_s.end() && hw_.tp_link.id == hw_.gpu.scale_up_link) all_reduce_s_ = &curve->second;
  }
  weight_bytes_ = BytesPerElement(hw_.weight_dtype);
  activation_bytes_ = BytesPerElement(hw_.activation_dtype);
  layer_ = attention_cost::ConstantsOf(m, hw_.tp, hw_.kv_dtype, hw_.mla_decode);
  FillMemo();
}

void RooflineModel::FillMemo() {
  linear_memo_.resize(kMemoTokens + 1);
  lm_head_memo_.resize(kMemoTokens + 2);
  for (std::int64_t t = 1; t <= kMemoTokens + 1; ++t) {
    StepBreakdown lm;
    IterationShape rows;
    rows.decode_tokens = t;
    AddLmHead(rows, &lm);
    lm_head_memo_[static_cast<std::size_t>(t)] = {lm.matmul_s, lm.weight_memory_s, lm.flops, lm.hbm_bytes};
    if (t > kMemoTokens) break;
    StepBreakdown& fixed = linear_memo_[static_cast<std::size_t>(t)];
    AddLinear(static_cast<double>(t), &fixed);
    AddTpComm(static_cast<double>(t), &fixed);
  }
}

// AddLinear and AddTpComm for `tokens`: memoised for small counts. They add
// to fields that are zero before (the linear, TP and EP terms) or, for
// flops and HBM bytes, come first: a copy is what the calls would leave.
StepBreakdown RooflineModel::LinearAndTpComm(std::int64_t tokens) const {
  if (tokens <= kMemoTokens) return linear_memo_[static_cast<std::size_t>(tokens)];
  StepBreakdown b;
  AddLinear(static_cast<double>(tokens), &b);
  AddTpComm(static_cast<double>(tokens), &b);
  return b;
}

// AddLmHead for decode tokens (+1 with a prefill) = `rows_before_dp`:
// memoised for small counts; the same terms added in the same order.
void RooflineModel::AddLmHeadRows(std::int64_t rows_before_dp, StepBreakdown* b) const {
  if (rows_before_dp > kMemoTokens + 1) {
    IterationShape rows;
    rows.decode_tokens = rows_before_dp;
    AddLmHead(rows, b);
    return;
  }
  const TokenTerms& m = lm_head_memo_[static_cast<std::size_t>(rows_before_dp)];
  b->matmul_s += m.matmul_s;
  b->weight_memory_s += m.weight_memory_s;
  b->flops += m.flops;
  b->hbm_bytes += m.hbm_bytes;
}

// Parameters of one standard layer whose weights `tokens` tokens read:
// attention, router, the experts the tokens touch (docs/model.md, "MoE")
// and the shared experts. Dense models (E = k = 1) touch their one MLP.
double RooflineModel::TouchedLayerParams(double tokens) const {
  const ModelSpec& m = hw_.model;
  const double touched = moe_cost::TouchedExperts(tokens, static_cast<double>(m.experts),
                                                  static_cast<double>(m.experts_per_token)) +
                         static_cast<double>(m.shared_experts);
  const double expert_params = static_cast<double>(m.ffn_matrices * m.hidden * m.ffn);
  const double router = m.experts > 1 ? static_cast<double>(m.hidden * m.experts) : 0.0;
  return static_cast<double>(m.AttentionParamsPerLayer()) + router + touched * expert_params;
}

// The rows each product of a routed expert has when `tokens` tokens go to
// k of E experts: T k over the experts they touch.
double RooflineModel::TokensPerTouchedExpert(double tokens) const {
  const ModelSpec& m = hw_.model;
  const double k = static_cast<double>(m.experts_per_token);
  const double touched = moe_cost::TouchedExperts(tokens, static_cast<double>(m.experts), k);
  return touched > 0 ? tokens * k / touched : 0.0;
}

// FLOP/s of the linear layers' products over `tokens` rows: the profile's
// measured efficiency at that size, up to its ceiling, else
// PerfEfficiency::matmul.
double RooflineModel::MatmulFlopsPerS(double tokens) const {
  if (calibration_ == nullptr) return matmul_flops_per_s_;
  return peak_flops_per_s_ * std::min(calibration_->matmul_efficiency.At(tokens), matmul_ceiling_);
}

// One roofline per GPU for products over `rows` tokens, `layers` times, each
// with `kernels` launch floors; `gpus` GPUs do the same work.
void RooflineModel::ChargeLinear(const Roof& r, double rows, double layers, double gpus, double kernels,
                                 StepBreakdown* b) const {
  Charge(r, MatmulFlopsPerS(rows), weight_bytes_per_s_, layers, &b->matmul_s, &b->weight_memory_s,
         kernels * kernel_floor_s_);
  b->flops += r.flops * gpus * layers;
  b->hbm_bytes += r.bytes * gpus * layers;
}

// The routed experts of every standard layer at the profile's fused-expert
// roofline (calibration.h, moe_*): `r` per GPU, products of
// `tokens_per_expert` rows; `mean_flops` per GPU for the FLOP count.
void RooflineModel::ChargeExperts(const Roof& r, double tokens_per_expert, double gpus, double mean_flops,
                                  StepBreakdown* b) const {
  const double flops_per_s = peak_flops_per_s_ * moe_->moe_matmul_efficiency.At(tokens_per_expert);
  const double bytes_per_s = hw_.gpu.memory_bandwidth_Bps * moe_->moe_memory_efficiency;
  Charge(r, flops_per_s, bytes_per_s, standard_layers_, &b->matmul_s, &b->weight_memory_s, moe_->moe_floor_s);
  b->flops += mean_flops * gpus * standard_layers_;
  b->hbm_bytes += r.bytes * gpus * standard_layers_;
}

// A weight-stationary MoE layer under a profile with a MoE part: its
// attention, router and shared experts as linear layers, its routed experts
// at the profile's fused-expert roofline.
void RooflineModel::AddProfiledMoeLayers(double group_tokens, double gpus, StepBreakdown* b) const {
  const ModelSpec& m = hw_.model;
  const double expert_params = static_cast<double>(m.ffn_matrices * m.hidden * m.ffn);
  const double k = static_cast<double>(m.experts_per_token);
  const double touched = moe_cost::TouchedExperts(group_tokens, static_cast<double>(m.experts), k);
  const double rest = static_cast<double>(m.AttentionParamsPerLayer() + m.ActiveMlpParamsPerLayer()) - k * expert_params;
  const double rest_bytes = (TouchedLayerParams(group_tokens) - touched * expert_params) * weight_bytes_ / tp_;
  ChargeLinear({2.0 * group_tokens * rest / tp_, rest_bytes}, group_tokens, standard_layers_, gpus, kernels_per_layer_, b);
  const double routed_flops = 2.0 * group_tokens * k * expert_params / tp_;
  const double rows = touched > 0 ? group_tokens * k / touched : 0.0;  // each touched expert's
  ChargeExperts({routed_flops, touched * expert_params * weight_bytes_ / tp_}, rows, gpus, routed_flops, b);
}

// Linear layers (projections and MLP) of every layer, on the `tokens` / dp
// tokens of one attention group. Weight-stationary (Megatron, Shoeybi et al.
// 2019): each GPU holds 1/tp of every matrix and multiplies all of them.
// Weight-gathered (Pope et al. 2022): T/tp tokens by the full matrices.
// With expert parallelism the experts are a roofline of their own on the
// most loaded EP rank (moe_cost.h). Dense first layers (DeepSeek) are split
// by TP like a dense model's.
void RooflineModel::AddLinear(double tokens, StepBreakdown* b) const {
  const ModelSpec& m = hw_.model;
  const double group_tokens = tokens / dp_, gpus = tp_ * dp_;
  const double attention = static_cast<double>(m.AttentionParamsPerLayer());
  if (hw_.ep > 1) {
    const double router = static_cast<double>(m.hidden * m.experts);
    Roof r{2.0 * group_tokens * (attention + router) / tp_, (attention + router) * weight_bytes_ / tp_};
    ChargeLinear(r, group_tokens, standard_layers_, gpus, kernels_per_layer_ / 2, b);
    const auto e = moe_cost::ExpertsOnOneGpu(m, hw_.ep, hw_.moe_imbalance, tokens, hw_.weight_dtype);
    if (moe_ != nullptr) {
      ChargeExperts({e.flops, e.bytes}, TokensPerTouchedExpert(tokens), hw_.ep, e.mean_flops, b);
    } else {
      Charge({e.flops, e.bytes}, MatmulFlopsPerS(group_tokens), weight_bytes_per_s_, standard_layers_, &b->matmul_s,
             &b->weight_memory_s, kernels_per_layer_ / 2 * kernel_floor_s_);
      b->flops += e.mean_flops * hw_.ep * standard_layers_;
      b->hbm_bytes += e.bytes * hw_.ep * standard_layers_;
    }
  } else if (moe_ != nullptr) {
    AddProfiledMoeLayers(group_tokens, gpus, b);
  } else {
    const double active = static_cast<double>(m.AttentionParamsPerLayer() + m.ActiveMlpParamsPerLayer());
    const double touched_bytes = TouchedLayerParams(group_tokens) * weight_bytes_;
    Roof r;
    r.flops = 2.0 * group_tokens * active / tp_;  // same in both layouts: 2 (T / tp) active = 2 T active / tp
    r.bytes = hw_.weight_gathered ? touched_bytes : touched_bytes / tp_;
    ChargeLinear(r, group_tokens, standard_layers_, gpus, kernels_per_layer_, b);
  }
  if (m.dense_layers > 0) {
    const double params = attention + static_cast<double>(m.DenseMlpParamsPerLayer());
    const double bytes = params * weight_bytes_;
    ChargeLinear({2.0 * group_tokens * params / tp_, hw_.weight_gathered ? bytes : bytes / tp_}, group_tokens,
                 dense_layers_, gpus, kernels_per_layer_, b);
  }
}

// Attention of every layer (attention_cost.h): global layers over the whole
// context, sliding-window layers over the last window; each attention group
// its share of the sequences.
void RooflineModel::AddAttention(const IterationShape& s, StepBreakdown* b) const {
  const ModelSpec& m = hw_.model;
  const auto share = attention_cost::ShareOf(s, hw_.attention_dp);
  const double gpus = tp_ * dp_;
  // A calibration's floors: one per layer for each kind of call the
  // iteration makes (prefill chunks, a decode batch).
  const double floor_s = (s.prefill_tokens > 0 ? prefill_attention_floor_s_ : 0.0) +
                         (s.decode_sequences > 0 ? decode_attention_floor_s_ : 0.0);
  // A calibration's prefill efficiency by the context a prompt token
  // attends to, for iterations with prefill work.
  const double flops_per_s =
      s.prefill_tokens > 0 && prefill_attention_ != nullptr
          ? peak_flops_per_s_ * prefill_attention_->At(s.prefill_attention_pairs / static_cast<double>(s.prefill_tokens))
          : attention_flops_per_s_;
  const auto layer = [&](const attention_cost::Share& sh, double layers) {
    const auto w = attention_cost::Layer(layer_, sh);
    Charge({w.flops, w.bytes}, flops_per_s, kv_bytes_per_s_, layers, &b->attention_s, &b->kv_memory_s, floor_s);
    b->flops += w.flops * gpus * layers;
    b->hbm_bytes += w.bytes * gpus * layers;
  };
  layer(share, static_cast<double>(m.GlobalLayers()));
  if (m.local_layers > 0) {
    layer(attention_cost::Windowed(share, static_cast<double>(m.sliding_window)), static_cast<double>(m.local_layers));
  }
}

// Tensor-parallel communication of every layer. Weight-stationary: two ring
// all-reduces of an attention group's activations (T / dp x hidden x bytes)
// per layer, after attention and after the MLP; with expert parallelism the
// MLP's is replaced by the all-to-all dispatch and combine of the tokens to
// their experts (ep_comm_s). Weight-gathered: one ring all-gather of the
// layer's weights, no activation traffic.
void RooflineModel::AddTpComm(double tokens, StepBreakdown* b) const {
  const double bandwidth = hw_.tp_link.bandwidth_Bps * hw_.efficiency.link, alpha = hw_.tp_link.latency_s;
  // ReplicaHardware.calibration: measured all-reduce times where the profile has them.
  const double activations = tokens / dp_ * static_cast<double>(hw_.model.hidden) * activation_bytes_;
  const double all_reduce = AllReduceTime(activations, bandwidth);
  const double ring = hw_.tp > 1 ? static_cast<double>(hw_.tp - 1) / hw_.tp : 0.0;  // share each rank sends
  const double all_reduce_bytes = 2.0 * ring * activations;                          // 2(n-1)/n x the message
  if (hw_.weight_gathered) {
    const double weights = TouchedLayerParams(tokens) * weight_bytes_;
    const double standard = analytic::RingAllGatherTime(weights, hw_.tp, bandwidth, alpha);
    const double dense_weights =
        static_cast<double>(hw_.model.AttentionParamsPerLayer() + hw_.model.DenseMlpParamsPerLayer()) * weight_bytes_;
    const double dense = analytic::RingAllGatherTime(dense_weights, hw_.tp, bandwidth, alpha);
    b->tp_comm_s += standard_layers_ * standard + dense_layers_ * dense;
    b->tp_bytes += standard_layers_ * ring * weights + dense_layers_ * ring * dense_weights;
    return;
  }
  if (hw_.ep > 1) {
    const double sent = moe_cost::DispatchBytesPerGpu(hw_.model, hw_.ep, hw_.moe_imbalance, tokens, hw_.activation_dtype);
    const double a2a = analytic::AllToAllTime(sent, hw_.ep, hw_.ep_link.bandwidth_Bps * hw_.efficiency.link,
                                              hw_.ep_link.latency_s);
    b->tp_comm_s += standard_layers_ * all_reduce + dense_layers_ * 2.0 * all_reduce;
    b->tp_bytes += (standard_layers_ + 2.0 * dense_layers_) * all_reduce_bytes;
    b->ep_comm_s += standard_layers_ * 2.0 * a2a;
    return;
  }
  b->tp_comm_s += layers_ * (2.0 * all_reduce);
  b->tp_bytes += layers_ * 2.0 * all_reduce_bytes;  // two all-reduces a layer
}

// The LM head on the last stage, split over the TP ranks by vocabulary:
// logits for every decode token, and for the last prompt token when a
// prefill is in the batch (one row per iteration: IterationShape does not
// count the prefill chunks). A tied head still multiplies V x h weights.
// Each attention group computes its own rows.
void RooflineModel::AddLmHead(const IterationShape& s, StepBreakdown* b) const {
  if (!hw_.lm_head) return;  // the memo holds zeros then
  const ModelSpec& m = hw_.model;
  const double rows = (static_cast<double>(s.decode_tokens) + (s.prefill_tokens > 0 ? 1.0 : 0.0)) / dp_;
  const double params = static_cast<double>(m.vocab * m.hidden);
  Roof r;
  r.flops = 2.0 * rows * params / tp_;
  r.bytes = params * weight_bytes_ / tp_;
  ChargeLinear(r, rows, 1.0, tp_ * dp_, 1.0, b);
}

// One all-reduce of `bytes` over the TP group: measured (calibration.h)
// when the profile has this TP degree on this link, else a ring over the
// link's alpha-beta model.
double RooflineModel::AllReduceTime(double bytes, double bandwidth) const {
  if (hw_.tp <= 1) return 0;
  if (all_reduce_s_ != nullptr) return all_reduce_s_->At(bytes);
  return analytic::RingAllReduceTime(bytes, hw_.tp, bandwidth, hw_.tp_link.latency_s);
}

StepBreakdown RooflineModel::Iteration(const IterationShape& shape) const {
  // One named result, built in place (a second returned object would make
  // it a copy, read back whole from fields just stored one by one).
  StepBreakdown b = LinearAndTpComm(std::max<std::int64_t>(shape.tokens(), 0));  // 0: all zero
  if (shape.tokens() <= 0) return b;  // nothing runs
  const double tokens = static_cast<double>(shape.tokens());
  AddAttention(shape, &b);
  AddLmHeadRows(shape.decode_tokens + (shape.prefill_tokens > 0 ? 1 : 0), &b);
  if (hw_.pp > 1) {  // each attention group sends its own tokens, over its own link
    const double activations = tokens / dp_ * static_cast<double>(hw_.model.hidden) * activation_bytes_;
    b.pp_comm_s = (hw_.pp - 1) *
                  (activations / (hw_.pp_link.bandwidth_Bps * hw_.efficiency.link) + hw_.pp_link.latency_s);
  }
  if (shape.scheduled) {  // a multi-step group's later steps reuse its host work
    b.overhead_s = hw_.iteration_overhead_s * hw_.pp + hw_.sequence_overhead_s * static_cast<double>(shape.decode_sequences);
  }
  if (tp_overlap_ > 0) {  // tp_comm_s is then what the GPU waits for
    b.tp_comm_s = ExposedComm(b.tp_comm_s, b.matmul_s + b.weight_memory_s + b.attention_s + b.kv_memory_s, tp_overlap_);
  }
  b.total_s = b.matmul_s + b.weight_memory_s + b.attention_s + b.kv_memory_s + b.tp_comm_s + b.ep_comm_s +
              b.pp_comm_s + b.bubble_s + b.overhead_s;
  b.stage_s = hw_.pp == 1 ? b.total_s - b.pp_comm_s : (b.total_s - b.pp_comm_s) / hw_.pp;  // x / 1 == x
  return b;
}

Status Field(const char* field, const std::string& message) {
  return Status::InvalidArgument(fmt::format("replica.{}: {}", field, message));
}

// Expert parallelism spreads a MoE model's experts over the tp x
// attention_dp GPUs of a stage; attention data parallelism exists only
// beside it (without experts to share, DP copies are just replicas).
Status CheckExpertParallelism(const ReplicaHardware& hw) {
  const ModelSpec& m = hw.model;
  if (hw.ep < 1) return Field("ep", fmt::format("must be >= 1 (got {})", hw.ep));
  if (hw.attention_dp < 1) return Field("attention_dp", fmt::format("must be >= 1 (got {})", hw.attention_dp));
  if (hw.ep == 1 && hw.attention_dp == 1) return Status::Ok();
  if (!m.IsMoe()) {
    return Field(hw.ep > 1 ? "ep" : "attention_dp",
                 fmt::format("{} has no experts; expert and attention data parallelism apply to MoE models (for "
                             "copies of a dense model use fleet.replicas)", m.id));
  }
  if (hw.ep != hw.tp * hw.attention_dp) {
    return Field("ep", fmt::format("must equal tp x attention_dp = {} x {} = {}: the experts are spread over every "
                                   "GPU of a stage (got {})", hw.tp, hw.attention_dp, hw.tp * hw.attention_dp, hw.ep));
  }
  if (m.experts % hw.ep != 0) {
    return Field("ep", fmt::format("must divide {}'s {} experts, so that each GPU holds the same number; allowed: {} "
                                   "(got {})", m.id, m.experts, Divisors(m.experts), hw.ep));
  }
  if (hw.weight_gathered) return Field("weight_gathered", "is not modelled with expert parallelism (ep > 1)");
  if (!(hw.ep_link.bandwidth_Bps > 0)) return Field("ep_link", "bandwidth must be > 0 when ep > 1");
  if (!(hw.moe_imbalance >= 1 && hw.moe_imbalance <= static_cast<double>(hw.ep))) {
    return Field("moe_imbalance", fmt::format("must be between 1 (uniform) and ep = {} (every token on one GPU) "
                                              "(got {})", hw.ep, hw.moe_imbalance));
  }
  return Status::Ok();
}

Status CheckParallelism(const ReplicaHardware& hw) {
  const ModelSpec& m = hw.model;
  if (hw.tp < 1) return Field("tp", fmt::format("must be >= 1 (got {})", hw.tp));
  if (hw.pp < 1) return Field("pp", fmt::format("must be >= 1 (got {})", hw.pp));
  if (m.heads % hw.tp != 0) {
    return Field("tp", fmt::format("must divide {}'s {} attention heads; allowed: {} (got {})", m.id, m.heads,
                                   Divisors(m.heads), hw.tp));
  }
  if (m.kv_heads % hw.tp != 0 && hw.tp % m.kv_heads != 0) {
    return Field("tp", fmt::format("must divide {}'s {} KV heads or be a multiple of them (got {})", m.id,
                                   m.kv_heads, hw.tp));
  }
  if (m.layers % hw.pp != 0) {
    return Field("pp", fmt::format("must divide {}'s {} layers; allowed: {} (got {})", m.id, m.layers,
                                   Divisors(m.layers), hw.pp));
  }
  return CheckExpertParallelism(hw);
}

Status CheckFraction(const char* field, double v) {
  if (v > 0 && v <= 1) return Status::Ok();
  return Field(field, fmt::format("must be a fraction in (0, 1] (got {})", v));
}

Status CheckHardware(const ReplicaHardware& hw) {
  const ModelSpec& m = hw.model;
  if (!m.IsDecoder()) {
    return Field("model", fmt::format("\"{}\" is {} model; an LLM replica serves decoder models (cost other "
                                      "models with EstimateInference, inference_cost.h)",
                                      m.id, m.IsEncoder() ? "an encoder" : "a layer-list"));
  }
  if (m.layers <= 0 || m.hidden <= 0 || m.heads <= 0 || m.kv_heads <= 0 || m.head_dim <= 0 || m.vocab <= 0 ||
      m.experts < 1 || m.experts_per_token < 1 || m.experts_per_token > m.experts) {
    return Field("model", fmt::format("\"{}\" has an incomplete shape (layers, hidden, heads, kv_heads, head_dim, "
                                      "vocab must be > 0; 1 <= experts_per_token <= experts)", m.id));
  }
  if (!hw.gpu.PeakFlops(hw.activation_dtype)) {
    std::string has;
    for (const auto& [d, f] : hw.gpu.peak_flops) has += (has.empty() ? "" : ", ") + std::string(DTypeName(d));
    return Field("activation_dtype", fmt::format("{} has no {} math (it has: {}); the matrix products run in the "
                                                 "activation dtype", hw.gpu.id, DTypeName(hw.activation_dtype), has));
  }
  if (!(hw.gpu.memory_bandwidth_Bps > 0)) return Field("gpu", fmt::format("{} has no memory bandwidth", hw.gpu.id));
  if (hw.tp > 1 && !(hw.tp_link.bandwidth_Bps > 0)) return Field("tp_link", "bandwidth must be > 0 when tp > 1");
  if (hw.pp > 1 && !(hw.pp_link.bandwidth_Bps > 0)) return Field("pp_link", "bandwidth must be > 0 when pp > 1");
  FLEETLAB_RETURN_IF_ERROR(CheckFraction("efficiency.matmul", hw.efficiency.matmul));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction("efficiency.attention", hw.efficiency.attention));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction("efficiency.memory", hw.efficiency.memory));
  FLEETLAB_RETURN_IF_ERROR(CheckFraction("efficiency.link", hw.efficiency.link));
  if (!(hw.sequence_overhead_s >= 0)) {
    return Field("sequence_overhead_s", fmt::format("must be >= 0 (got {})", hw.sequence_overhead_s));
  }
  if (!(hw.iteration_overhead_s >= 0)) {
    return Field("iteration_overhead_s", fmt::format("must be >= 0 (got {})", hw.iteration_overhead_s));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<PerfModel>> MakeRooflineModel(const ReplicaHardware& hw) {
  FLEETLAB_RETURN_IF_ERROR(CheckHardware(hw));
  FLEETLAB_RETURN_IF_ERROR(CheckParallelism(hw));
  return std::unique_ptr<PerfModel>(std::make_unique<RooflineModel>(hw));
}

}  // namespace fleetlab
