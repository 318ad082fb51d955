#include "cli/calibrate_command.h"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "calibrate/aiconfigurator_samples.h"
#include "calibrate/end_to_end.h"
#include "cli/bench_file.h"
#include "cli/output_file.h"
#include "calibrate/fit.h"
#include "calibrate/kernel_samples.h"
#include "calibrate/profile_json.h"
#include "calibrate/prompt_phases.h"
#include "fleetlab/llm/catalog.h"
#include "fleetlab/scenario/parse.h"
#include "fleetlab/util/file.h"
#include "fleetlab/workload/vllm_bench.h"

namespace fleetlab::cli {
namespace {

using nlohmann::json;

struct CalibrateArgs {
  std::string gpu, dtype = "bf16", id, name, source, output;
  std::vector<std::string> engines, ceiling_engines, vidur_mlp, vidur_all_reduce, vidur_attention, kernels, bench;
  std::vector<std::string> aic_gemm, aic_moe, aic_all_reduce, aic_attention, aic_mla_decode;
  std::string aic_dtype = "fp8_block", aic_kv_dtype = "bfloat16";
  std::string splitwise, splitwise_model = "llama2-70b", splitwise_hardware;
  std::string model, engine = "vllm-v1";
  int tp = 1;
  double tp_overlap = -1;  // < 0: not given
  std::uint64_t seed = 1;
  bool as_json = false;
};

using Reader = std::function<Result<calibrate::KernelSamples>(const std::string&)>;

Status ReadAll(const std::vector<std::string>& files, const char* flag, const Reader& read,
               calibrate::KernelSamples* out) {
  for (const auto& f : files) {
    auto text = ReadTextFile(f, flag);
    if (!text.ok()) return text.status();
    auto samples = read(*text);
    if (!samples.ok()) return Status::InvalidArgument(fmt::format("{} {}: {}", flag, f, samples.status().message()));
    out->Append(*samples);
  }
  return Status::Ok();
}

std::string Names(const std::vector<std::string>& files) {
  std::string out;
  for (const auto& f : files) out += (out.empty() ? "" : ", ") + std::filesystem::path(f).filename().string();
  return out;
}

// Each part's source: the files it was fitted from, and --source.
void AddSources(const CalibrateArgs& a, CalibrationProfile* p) {
  const std::string tail = a.source.empty() ? "" : "; " + a.source;
  const auto fitted = [&](const std::vector<std::vector<std::string>>& lists) {
    std::string files;
    for (const auto& l : lists) {
      if (!l.empty()) files += (files.empty() ? "" : ", ") + Names(l);
    }
    return "fitted by fleetlab calibrate from " + files + tail;
  };
  p->sources["linear"] = fitted({a.vidur_mlp, a.kernels, a.aic_gemm});
  if (p->HasMoe()) p->sources["moe"] = fitted({a.aic_moe});
  if (!p->all_reduce_s.empty()) p->sources["all_reduce"] = fitted({a.vidur_all_reduce, a.aic_all_reduce});
  if (p->attention_efficiency || p->kv_memory_efficiency) {
    p->sources["attention"] = fitted({a.vidur_attention, a.kernels, a.aic_attention, a.aic_mla_decode});
  }
  if (p->matmul_ceiling) {
    p->sources["linear.matmul_ceiling"] = fmt::format("fitted end to end by fleetlab calibrate to the batch-1 prompt phases of {} "
                                               "({} on {}, TP{}; simulated as {} on {}){}", Names({a.splitwise}),
                                               a.splitwise_model, a.splitwise_hardware, a.tp, a.model, a.engine, tail);
  }
  if (p->iteration_overhead_s) p->sources["overhead"] = "fitted end to end by fleetlab calibrate to " + Names(a.bench) + tail;
  if (p->tp_overlap) p->sources["overlap"] = "given to fleetlab calibrate (--tp-overlap)" + tail;
  p->sources["fit"] = "fleetlab calibrate: |predicted / measured - 1| over the samples each part was fitted from";
}

Result<std::vector<ValidationPoint>> BenchRuns(const CalibrateArgs& a) {
  if (a.bench.empty()) return std::vector<ValidationPoint>{};
  if (a.model.empty()) return Status::InvalidArgument("--model: needed with --bench (the model the runs served)");
  std::vector<ValidationPoint> runs;
  for (const auto& f : a.bench) {
    auto bench = ReadBenchFile(f);
    if (!bench.ok()) return Status::InvalidArgument(fmt::format("--bench: {}", bench.status().message()));
    ValidationPoint p;
    p.id = std::filesystem::path(BenchFilePath(f)).filename().string();
    p.replica = {{"model", a.model}, {"gpu", a.gpu}, {"tp", a.tp}, {"engine", a.engine}};
    p.bench = std::move(bench).value();
    runs.push_back(std::move(p));
  }
  return runs;
}

// The --splitwise file's batch-1 prompt phases as runs of --model at --tp
// on --engine.
Result<std::vector<ValidationPoint>> PromptPhases(const CalibrateArgs& a) {
  if (a.splitwise.empty()) return std::vector<ValidationPoint>{};
  if (a.model.empty()) return Status::InvalidArgument("--model: needed with --splitwise (the catalog model the rows ran)");
  if (a.splitwise_hardware.empty()) {
    return Status::InvalidArgument("--splitwise-hardware: needed with --splitwise (the file's hardware column, e.g. h100-80gb)");
  }
  auto text = ReadTextFile(a.splitwise, "--splitwise");
  if (!text.ok()) return text.status();
  auto phases = calibrate::ReadSplitwisePromptPhases(*text, {a.splitwise_model, a.splitwise_hardware, a.tp});
  if (!phases.ok()) return Status::InvalidArgument(fmt::format("--splitwise {}: {}", a.splitwise, phases.status().message()));
  return calibrate::PromptPhaseRuns(*phases, {{"model", a.model}, {"gpu", a.gpu}, {"tp", a.tp}, {"engine", a.engine}});
}

Result<CalibrationProfile> Calibrate(const CalibrateArgs& a, const Catalog& catalog) {
  const GpuSpec* gpu = catalog.FindGpu(a.gpu);
  if (gpu == nullptr) return Status::InvalidArgument(fmt::format("--gpu: unknown GPU \"{}\"; known: {}", a.gpu, catalog.GpuIds()));
  const auto dtype = ParseDType(a.dtype);
  if (!dtype || !gpu->PeakFlops(*dtype)) {
    return Status::InvalidArgument(fmt::format("--dtype: \"{}\" is not a dtype {} has math for", a.dtype, a.gpu));
  }
  calibrate::KernelSamples samples;
  FLEETLAB_RETURN_IF_ERROR(ReadAll(a.vidur_mlp, "--vidur-mlp", &calibrate::ReadVidurMlp, &samples));
  FLEETLAB_RETURN_IF_ERROR(ReadAll(a.vidur_all_reduce, "--vidur-all-reduce", &calibrate::ReadVidurAllReduce, &samples));
  FLEETLAB_RETURN_IF_ERROR(ReadAll(a.vidur_attention, "--vidur-attention", &calibrate::ReadVidurAttention, &samples));
  FLEETLAB_RETURN_IF_ERROR(ReadAll(a.kernels, "--kernels", &calibrate::ReadGpuCalibrateJson, &samples));
  const auto with = [](auto read, const std::string& kind) -> Reader {
    return [read, kind](const std::string& text) { return read(text, kind); };
  };
  FLEETLAB_RETURN_IF_ERROR(ReadAll(a.aic_gemm, "--aic-gemm", with(&calibrate::ReadAicGemm, a.aic_dtype), &samples));
  FLEETLAB_RETURN_IF_ERROR(ReadAll(a.aic_moe, "--aic-moe", with(&calibrate::ReadAicMoe, a.aic_dtype), &samples));
  FLEETLAB_RETURN_IF_ERROR(ReadAll(a.aic_all_reduce, "--aic-all-reduce", &calibrate::ReadAicAllReduce, &samples));
  FLEETLAB_RETURN_IF_ERROR(
      ReadAll(a.aic_attention, "--aic-attention", with(&calibrate::ReadAicAttention, a.aic_kv_dtype), &samples));
  FLEETLAB_RETURN_IF_ERROR(
      ReadAll(a.aic_mla_decode, "--aic-mla-decode", with(&calibrate::ReadAicMlaDecode, a.aic_kv_dtype), &samples));
  if (samples.gemm.empty()) {
    return Status::InvalidArgument("--vidur-mlp, --kernels or --aic-gemm: give at least one file of GEMM timings");
  }
  calibrate::FitOptions o;
  o.id = a.id, o.name = a.name, o.dtype = *dtype;
  o.engines = a.engines.empty() ? std::vector<std::string>{a.engine} : a.engines;
  auto p = calibrate::FitProfile(samples, *gpu, o);
  if (!p.ok()) return p.status();
  if (a.tp_overlap >= 0) p->tp_overlap = a.tp_overlap;  // before the end-to-end fits, which simulate with it
  auto phases = PromptPhases(a);
  if (!phases.ok()) return phases.status();
  if (!phases->empty()) {
    p->matmul_ceiling_engines = a.ceiling_engines.empty() ? std::vector<std::string>{a.engine} : a.ceiling_engines;
    if (!p->CeilingHoldsFor(a.engine)) {
      return Status::InvalidArgument(fmt::format("--ceiling-engines: must include --engine {} (the runs are simulated on it)", a.engine));
    }
    calibrate::CeilingOptions c;
    c.seed = a.seed;
    p = calibrate::FitMatmulCeiling(*p, std::move(phases).value(), catalog, c);
    if (!p.ok()) return Status::InvalidArgument("--splitwise: " + p.status().message());
  }
  auto runs = BenchRuns(a);
  if (!runs.ok()) return runs.status();
  if (!runs->empty()) {
    calibrate::EndToEndOptions e;
    e.seed = a.seed;
    p = calibrate::FitOverheads(*p, std::move(runs).value(), catalog, e);
    if (!p.ok()) return Status::InvalidArgument("--bench: " + p.status().message());
  }
  AddSources(a, &*p);
  return p;
}

std::string FitText(const CalibrationProfile& p) {
  std::string out = fmt::format("{} ({}, {}): weight streaming {:.1f}% of HBM, kernel floor {:.1f} us\n", p.id, p.gpu,
                                DTypeName(p.dtype), 100 * p.weight_memory_efficiency, p.kernel_floor_s * 1e6);
  for (std::size_t i = 0; i < p.matmul_efficiency.x.size(); ++i) {
    out += fmt::format("  matmul at {:>6.0f} tokens: {:.1f}% of peak\n", p.matmul_efficiency.x[i], 100 * p.matmul_efficiency.y[i]);
  }
  if (p.matmul_ceiling) out += fmt::format("  matmul ceiling in a forward pass: {:.1f}% of peak\n", 100 * *p.matmul_ceiling);
  if (p.HasMoe()) {
    out += fmt::format("  fused MoE: weights streamed at {:.1f}% of HBM, floor {:.1f} us a call\n", 100 * p.moe_memory_efficiency,
                       p.moe_floor_s * 1e6);
    for (std::size_t i = 0; i < p.moe_matmul_efficiency.x.size(); ++i) {
      out += fmt::format("  MoE products at {:>6.1f} tokens an expert: {:.1f}% of peak\n", p.moe_matmul_efficiency.x[i],
                         100 * p.moe_matmul_efficiency.y[i]);
    }
  }
  if (p.iteration_overhead_s) {
    out += fmt::format("  host: {:.2f} ms an iteration + {:.3f} ms a sequence\n", *p.iteration_overhead_s * 1e3,
                       p.sequence_overhead_s.value_or(0) * 1e3);
  }
  if (p.tp_overlap) out += fmt::format("  {:.0f}% of each TP all-reduce runs under compute\n", 100 * *p.tp_overlap);
  out += fmt::format("\n{:<22} {:>7} {:>10} {:>8}\n", "part", "points", "median|e|", "worst");
  for (const auto& f : p.fit) {
    out += fmt::format("{:<22} {:>7} {:>9.1f}% {:>7.1f}%\n", f.part, f.points, 100 * f.median_abs_error, 100 * f.worst_abs_error);
  }
  return out;
}

int Run(CommandContext& ctx, const CalibrateArgs& a) {
  auto catalog = Catalog::LoadDefault();
  if (!catalog.ok()) return ctx.err << "fleetlab: calibrate: " << catalog.status().message() << "\n", 2;
  auto p = Calibrate(a, *catalog);
  if (!p.ok()) return ctx.err << "fleetlab: calibrate: " << p.status().message() << "\n", 2;
  const std::string text = calibrate::ProfileToJson(*p).dump(2) + "\n";
  if (!a.output.empty()) {
    const Status written = WriteOutputFile(a.output, text, "-o");
    if (!written.ok()) return ctx.err << "fleetlab: calibrate: " << written.message() << "\n", 2;
  }
  ctx.out << (a.as_json ? text : FitText(*p));
  return 0;
}

}  // namespace

void AddCalibrateCommand(CLI::App& app, CommandContext& ctx) {
  auto a = std::make_shared<CalibrateArgs>();
  CLI::App* cmd = app.add_subcommand("calibrate", "Fit a calibration profile (data/calibration) from kernel timings "
                                                  "and measured serving runs; print the fit error per part "
                                                  "(docs/calibration.md).");
  cmd->add_option("--gpu", a->gpu, "Catalog GPU id the timings were taken on.")->required();
  cmd->add_option("--dtype", a->dtype, "Dtype of the timed products.")->capture_default_str();
  cmd->add_option("--id", a->id, "Profile id (default <gpu>-<dtype>).");
  cmd->add_option("--name", a->name, "Profile name.");
  cmd->add_option("--engines", a->engines, "Engine ids whose kernels these are (default: --engine).")->delimiter(',');
  cmd->add_option("--vidur-mlp", a->vidur_mlp, "Vidur mlp.csv (microsoft/vidur data/profiling/compute/...).");
  cmd->add_option("--vidur-all-reduce", a->vidur_all_reduce, "Vidur all_reduce.csv (data/profiling/network/...).");
  cmd->add_option("--aic-gemm", a->aic_gemm, "aiconfigurator gemm_perf table as CSV (ai-dynamo/aiconfigurator "
                                            "systems/data/<gpu>/gemm/<framework>/<version>): its --aic-dtype GEMMs.");
  cmd->add_option("--aic-moe", a->aic_moe, "aiconfigurator moe_perf table as CSV: its --aic-dtype fused MoE calls under "
                                          "balanced routing fit the profile's moe part.");
  cmd->add_option("--aic-all-reduce", a->aic_all_reduce, "aiconfigurator custom_allreduce_perf table as CSV: its "
                                                        "CUDA-graph all-reduces.");
  cmd->add_option("--aic-attention", a->aic_attention, "aiconfigurator context_attention_perf or "
                                                      "generation_attention_perf table as CSV: full-window prefill "
                                                      "and decode calls with --aic-kv-dtype caches fit the attention.");
  cmd->add_option("--aic-mla-decode", a->aic_mla_decode, "aiconfigurator generation_mla_perf table as CSV: MLA decode "
                                                        "calls with --aic-kv-dtype caches fit the decode attention.");
  cmd->add_option("--aic-dtype", a->aic_dtype, "gemm_dtype and moe_dtype of the --aic-gemm and --aic-moe rows taken.")
      ->capture_default_str();
  cmd->add_option("--aic-kv-dtype", a->aic_kv_dtype, "kv_cache_dtype of the --aic-attention and --aic-mla-decode rows taken.")
      ->capture_default_str();
  cmd->add_option("--vidur-attention", a->vidur_attention,
                  "Vidur attention.csv (data/profiling/<gpu>/attention.csv): prefill and decode attention times.");
  cmd->add_option("--kernels", a->kernels, "JSON written by tools/calibrate/gpu_calibrate.py.");
  cmd->add_option("--bench", a->bench, "vllm bench serve --save-result JSON, or a GenAI-Perf CSV with its load "
                  "(FILE.csv#concurrency=N or #rate=R): fit the host overheads end to end.");
  cmd->add_option("--splitwise", a->splitwise, "Splitwise's iteration-time profile (Mutinifni/splitwise-sim "
                  "data/perf_model.csv): fit the matmul ceiling to its batch-1 prompt phases.");
  cmd->add_option("--splitwise-model", a->splitwise_model, "The --splitwise rows' model column.")->capture_default_str();
  cmd->add_option("--splitwise-hardware", a->splitwise_hardware, "The --splitwise rows' hardware column (e.g. h100-80gb).");
  cmd->add_option("--ceiling-engines", a->ceiling_engines, "Engine ids the fitted ceiling holds for (default: --engine; "
                  "each must be one of the profile's engines).")->delimiter(',');
  cmd->add_option("--model", a->model, "Catalog model the --bench runs (or --splitwise rows) served.");
  cmd->add_option("--tp", a->tp, "Tensor parallelism of the --bench runs (and of the --splitwise rows taken).")
      ->check(CLI::Range(1, 1024))->capture_default_str();
  cmd->add_option("--engine", a->engine, "Engine profile of the --bench and --splitwise runs.")->capture_default_str();
  cmd->add_option("--tp-overlap", a->tp_overlap,
                  "Fraction of each tensor-parallel all-reduce the engine runs under compute, 0 to 1, as measured "
                  "elsewhere (say where in --source); default: none, each all-reduce waits")
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--source", a->source, "Where the input files came from (copied into the profile's sources).");
  cmd->add_option("--seed", a->seed, "Seed of the end-to-end simulations.")->capture_default_str();
  cmd->add_option("-o,--output", a->output, "Write the profile JSON here.");
  cmd->add_flag("--json", a->as_json, "Print the profile JSON instead of the fit table.");
  cmd->callback([&ctx, a] { ctx.exit_code = Run(ctx, *a); });
}

}  // namespace fleetlab::cli
