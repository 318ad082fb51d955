// The layer kinds of a "layers" model. Conventions follow torchvision's
// published counts (ResNet-18: 11,689,512 parameters, 1.81 GMACs): MACs
// count the convolutions and dense layers only (pooling, norms and
// activations are free); parameters include biases and batch-norm scale and
// shift (running statistics are buffers, not parameters). Recurrent layers
// follow Keras (one bias vector per gate; `recurrent_bias` adds PyTorch's
// second one).
#include "llm/catalog/catalog_layers.h"

#include <fmt/format.h>

#include "util/field_reader.h"

namespace fleetlab::catalog_internal {
namespace {

using nlohmann::json;

constexpr double kMaxDim = 1e7;

// Reads a positive integer `key` (required unless `fallback` >= 0).
Status Dim(FieldReader& r, const char* key, std::int64_t* out, std::int64_t fallback = -1) {
  if (!r.Has(key) && fallback < 0) return Status::InvalidArgument(fmt::format("{}: missing (required)", r.PathOf(key)));
  std::uint64_t v = static_cast<std::uint64_t>(fallback < 0 ? 1 : fallback);
  FLEETLAB_RETURN_IF_ERROR(r.Integer(key, &v, Range::Between(1, kMaxDim)));
  *out = static_cast<std::int64_t>(v);
  return Status::Ok();
}

std::int64_t Ceil(std::int64_t a, std::int64_t b) { return (a + b - 1) / b; }

struct Conv {
  std::int64_t in = 0, out = 0, kernel = 1, stride = 1, in_size = 0, groups = 1;
  bool bias = false, batch_norm = false;
  std::int64_t OutSize() const { return Ceil(in_size, stride); }
  std::int64_t Weights() const { return kernel * kernel * (in / groups) * out; }
  std::int64_t Params() const { return Weights() + (bias ? out : 0) + (batch_norm ? 2 * out : 0); }
  double Macs() const { return static_cast<double>(Weights()) * static_cast<double>(OutSize() * OutSize()); }
};

void SetConv(const Conv& c, LayerSpec* l) {
  l->macs = c.Macs();
  l->params = c.Params();
  l->in_elements = c.in * c.in_size * c.in_size;
  l->out_elements = c.out * c.OutSize() * c.OutSize();
  l->live_elements = l->in_elements + l->out_elements;
}

Status ReadConv(FieldReader& r, Conv* c) {
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "in_channels", &c->in));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "out_channels", &c->out));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "kernel", &c->kernel, 1));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "stride", &c->stride, 1));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "in_size", &c->in_size));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "groups", &c->groups, 1));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("bias", &c->bias));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("batch_norm", &c->batch_norm));
  if (c->in % c->groups != 0 || c->out % c->groups != 0) {
    return Status::InvalidArgument(fmt::format("{}: must divide in_channels ({}) and out_channels ({}) (got {})",
                                               r.PathOf("groups"), c->in, c->out, c->groups));
  }
  return Status::Ok();
}

// torchvision's BasicBlock: 3x3 conv (stride) + BN, 3x3 conv + BN, and a
// 1x1 conv + BN on the skip path when the shape changes. The block's input
// stays live (the skip) while the two convolutions run.
Status BasicBlock(FieldReader& r, LayerSpec* l) {
  Conv a;
  a.kernel = 3;
  a.batch_norm = true;
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "in_channels", &a.in));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "out_channels", &a.out));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "stride", &a.stride, 1));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "in_size", &a.in_size));
  Conv b = a;
  b.in = a.out;
  b.stride = 1;
  b.in_size = a.OutSize();
  Conv skip = a;
  skip.kernel = 1;
  const bool downsample = a.stride != 1 || a.in != a.out;
  l->macs = a.Macs() + b.Macs() + (downsample ? skip.Macs() : 0);
  l->params = a.Params() + b.Params() + (downsample ? skip.Params() : 0);
  l->in_elements = a.in * a.in_size * a.in_size;
  l->out_elements = b.out * b.OutSize() * b.OutSize();
  l->live_elements = l->in_elements + 2 * l->out_elements;  // input (skip), middle, output
  return Status::Ok();
}

Status Pool(FieldReader& r, LayerSpec* l) {
  std::int64_t channels = 0, kernel = 0, stride = 0, in_size = 0;
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "channels", &channels));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "kernel", &kernel));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "stride", &stride, kernel));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "in_size", &in_size));
  const std::int64_t out_size = Ceil(in_size, stride);
  l->in_elements = channels * in_size * in_size;
  l->out_elements = channels * out_size * out_size;
  l->live_elements = l->in_elements + l->out_elements;
  return Status::Ok();
}

Status Dense(FieldReader& r, LayerSpec* l) {
  std::int64_t in = 0, out = 0;
  bool bias = true;
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "in", &in));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "out", &out));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("bias", &bias));
  l->macs = static_cast<double>(in * out);
  l->params = in * out + (bias ? out : 0);
  l->in_elements = in;
  l->out_elements = out;
  l->live_elements = in + out;
  return Status::Ok();
}

// GRU (gates = 3) or LSTM (gates = 4) over one time step.
Status Recurrent(FieldReader& r, std::int64_t gates, LayerSpec* l) {
  std::int64_t in = 0, units = 0;
  bool bias = true, recurrent_bias = false;
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "in", &in));
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "units", &units));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("bias", &bias));
  FLEETLAB_RETURN_IF_ERROR(r.Bool("recurrent_bias", &recurrent_bias));
  const std::int64_t weights = gates * (in * units + units * units);
  l->macs = static_cast<double>(weights);
  l->params = weights + (bias ? gates * units : 0) + (recurrent_bias ? gates * units : 0);
  l->in_elements = in;
  l->out_elements = units;
  l->state_elements = gates == 4 ? 2 * units : units;  // LSTM keeps h and c
  l->live_elements = in + units + gates * units;        // input, output, gate pre-activations
  return Status::Ok();
}

Status Norm(FieldReader& r, LayerSpec* l) {
  std::int64_t channels = 0;
  FLEETLAB_RETURN_IF_ERROR(Dim(r, "channels", &channels));
  l->params = 2 * channels;
  l->in_elements = l->out_elements = channels;
  l->live_elements = 2 * channels;
  return Status::Ok();
}

Status Custom(FieldReader& r, LayerSpec* l) {
  std::uint64_t params = 0, in = 0, out = 0, state = 0;
  FLEETLAB_RETURN_IF_ERROR(r.Number("macs", &l->macs, Range::AtLeast(0)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("params", &params, Range::Between(0, 1e12)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("in_elements", &in, Range::Between(1, 1e12)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("out_elements", &out, Range::Between(1, 1e12)));
  FLEETLAB_RETURN_IF_ERROR(r.Integer("state_elements", &state, Range::Between(0, 1e12)));
  if (!r.Has("in_elements") || !r.Has("out_elements")) {
    return Status::InvalidArgument(fmt::format("{}: custom layers need in_elements and out_elements", r.PathOf("kind")));
  }
  l->params = static_cast<std::int64_t>(params);
  l->in_elements = static_cast<std::int64_t>(in);
  l->out_elements = static_cast<std::int64_t>(out);
  l->state_elements = static_cast<std::int64_t>(state);
  l->live_elements = l->in_elements + l->out_elements;
  return Status::Ok();
}

Status ParseLayer(const json& j, const std::string& path, LayerSpec* l) {
  FieldReader r(j, path);
  FLEETLAB_RETURN_IF_ERROR(r.CheckObject());
  FLEETLAB_RETURN_IF_ERROR(r.String("name", &l->name));
  if (l->name.empty()) return Status::InvalidArgument(fmt::format("{}: missing (required)", r.PathOf("name")));
  const std::vector<std::string> kinds = {"conv2d", "basic_block", "pool", "dense", "gru", "lstm", "norm", "custom"};
  int kind = -1;
  FLEETLAB_RETURN_IF_ERROR(r.Choice("kind", kinds, &kind));
  if (kind < 0) return Status::InvalidArgument(fmt::format("{}: missing (required)", r.PathOf("kind")));
  l->kind = kinds[static_cast<std::size_t>(kind)];
  Status s;
  Conv conv;
  switch (kind) {
    case 0: s = ReadConv(r, &conv); if (s.ok()) SetConv(conv, l); break;
    case 1: s = BasicBlock(r, l); break;
    case 2: s = Pool(r, l); break;
    case 3: s = Dense(r, l); break;
    case 4: s = Recurrent(r, 3, l); break;
    case 5: s = Recurrent(r, 4, l); break;
    case 6: s = Norm(r, l); break;
    default: s = Custom(r, l); break;
  }
  FLEETLAB_RETURN_IF_ERROR(s);
  return r.Finish();
}

}  // namespace

Status ParseLayerList(const json& list, std::vector<LayerSpec>* out) {
  if (!list.is_array() || list.empty()) {
    return Status::InvalidArgument("layers: must be a non-empty list of layer objects " + Got(list));
  }
  for (std::size_t i = 0; i < list.size(); ++i) {
    LayerSpec l;
    FLEETLAB_RETURN_IF_ERROR(ParseLayer(list[i], fmt::format("layers[{}]", i), &l));
    out->push_back(std::move(l));
  }
  return Status::Ok();
}

}  // namespace fleetlab::catalog_internal
