#include "cli/plan_command.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "planner/planner.h"
#include "planner/planner_json.h"

namespace fleetlab::cli {
namespace {


void Fail(CommandContext& ctx, const std::string& message) {
  ctx.err << "fleetlab: " << message << "\n";
  ctx.exit_code = 2;
}

// "50ms" or "0.05s" -> seconds; nullopt for anything else.
std::optional<double> ParseDuration(const std::string& text) {
  std::size_t unit = text.size();
  while (unit > 0 && std::isalpha(static_cast<unsigned char>(text[unit - 1]))) --unit;
  const std::string number = text.substr(0, unit), suffix = text.substr(unit);
  if (number.empty() || (suffix != "ms" && suffix != "s")) return std::nullopt;
  char* end = nullptr;
  const double v = std::strtod(number.c_str(), &end);
  if (end != number.c_str() + number.size() || !std::isfinite(v) || v < 0) return std::nullopt;
  return suffix == "ms" ? v / 1e3 : v;
}

Status ReadDuration(const std::string& text, const char* flag, double* seconds) {
  if (text.empty()) return Status::Ok();
  const auto v = ParseDuration(text);
  if (!v) {
    return Status::InvalidArgument(fmt::format("{}: expected a duration >= 0 with a unit, e.g. 50ms or 0.05s "
                                               "(got \"{}\")", flag, text));
  }
  *seconds = *v;
  return Status::Ok();
}

Status ReadDType(const std::string& text, const char* flag, DType* out) {
  const auto d = ParseDType(text);
  if (!d) {
    return Status::InvalidArgument(fmt::format("{}: must be one of fp32, bf16, fp16, fp8, int8, int4, nvfp4, mxfp4 "
                                               "(got \"{}\")",
                                               flag, text));
  }
  *out = *d;
  return Status::Ok();
}

Result<Catalog> LoadCatalog() {
  auto catalog = Catalog::LoadDefault();
  if (!catalog.ok()) return catalog.status().WithContext("loading the catalog");
  return catalog;
}

// 1317774 -> "1,317,774".
std::string Grouped(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

double Ms(double s) { return s * 1e3; }
double Gb(double bytes) { return bytes / 1e9; }

// ---- fleetlab plan

struct PlanArgs {
  PlanArgs() { request.search_replicas = true; }  // the CLI searches replicas unless --no-replicas
  PlanRequest request;
  std::string ttft_slo, tpot_slo, weight_dtype = "bf16", kv_dtype = "bf16";
  bool json = false;
};

std::string SloText(const PlanRequest& r) {
  if (r.ttft_slo_s <= 0 && r.tpot_slo_s <= 0) return "none";
  std::string out;
  if (r.ttft_slo_s > 0) out += fmt::format("TTFT <= {:.1f} ms", Ms(r.ttft_slo_s));
  if (r.tpot_slo_s > 0) out += fmt::format("{}TPOT <= {:.1f} ms", out.empty() ? "" : ", ", Ms(r.tpot_slo_s));
  return out;
}

// The disaggregated search's line (--disaggregation): how many P:D
// configurations ran and of which pool TPs.
std::string DisaggLine(const PlanRequest& r, const std::vector<SplitPlan>& plans) {
  std::vector<int> tps;
  std::int64_t n = 0;
  for (const SplitPlan& p : plans) {
    if (!p.disaggregated) continue;
    ++n;
    for (int tp : {p.prefill_tp, p.decode_tp}) {
      if (std::find(tps.begin(), tps.end(), tp) == tps.end()) tps.push_back(tp);
    }
  }
  std::sort(tps.begin(), tps.end());
  const std::string used = tps.empty() ? "none within the budget" : fmt::format("pools of TP {}", fmt::join(tps, ", "));
  return fmt::format("{} disaggregated configurations: P prefill replicas of TP tp_p + D decode replicas of TP tp_d "
                     "<= {} GPUs, PP 1, each TP dividing {} and fitting ({}); KV over the GPU's scale-up link, one "
                     "lane per prefill replica; both pools behind least-outstanding routers; at most {} "
                     "(planner.h: PlanDisaggregatedCount)\n",
                     n, r.gpus, r.gpus, used, kMaxDisaggregatedConfigurations);
}

// The engine the replicas imitate, and the calibration their kernels take.
std::string EngineLine(const PlanRequest& r, const std::vector<SplitPlan>& plans) {
  if (r.engine.empty()) return "engine: none (fleetlab's defaults: continuous batching, the roofline's constants)\n";
  std::string calibration = "none for this GPU and dtype (the roofline's constants)";
  for (const SplitPlan& p : plans) {
    if (!p.calibration.empty()) calibration = p.calibration;
  }
  return fmt::format("engine: {} (its scheduler, memory budget and host overheads); calibration: {}\n", r.engine,
                     calibration);
}

// The saturation run's running sequences per pipeline stage.
std::string SaturationRunning(const PlanRequest& r, const std::vector<SplitPlan>& plans) {
  for (const SplitPlan& p : plans) {
    if (p.max_running > 0) return std::to_string(p.max_running);
  }
  return std::to_string(r.max_running_per_engine);
}

std::string Heading(const PlanRequest& r, const std::vector<SplitPlan>& plans) {
  const std::string load = r.rate_per_s > 0
                               ? fmt::format("TTFT and TPOT judged at P99 under {:g} req/s for the whole fleet "
                                             "(Poisson; prompt CV {:g}, output CV {:g}; {} requests, seed {}; "
                                             "replicas behind a least-outstanding router); ranked by goodput per "
                                             "dollar\n",
                                             r.rate_per_s, r.prompt_cv, r.output_cv, r.load_requests, r.seed)
                               : "TTFT and TPOT judged for one request alone\n";
  const std::string space = r.search_replicas
                                ? fmt::format("{} configurations: replicas x TP x PP <= {} GPUs, each replica "
                                              "size dividing {}; saturation figures are the fleet's (replicas x one "
                                              "replica's)\n",
                                              PlanConfigurationCount(r.gpus, true), r.gpus, r.gpus)
                                : fmt::format("{} splits: TP x PP = {} GPUs, one replica\n",
                                              PlanConfigurationCount(r.gpus, false), r.gpus);
  return load + space + (r.search_disaggregation ? DisaggLine(r, plans) : std::string()) +
         fmt::format("{} on {} x {}: prompt {} + output {} tokens, {} weights, {} KV; SLO: {}\n{}"
                     "saturation: closed loop of min(max users, {} per pipeline stage) users a replica, zero think "
                     "time\n\n",
                     r.model, r.gpus, r.gpu, r.prompt, r.output, DTypeName(r.weight_dtype), DTypeName(r.kv_dtype),
                     SloText(r), EngineLine(r, plans), SaturationRunning(r, plans));
}

std::string Label(const SplitPlan& p) {
  if (p.disaggregated) {
    return fmt::format("{}P TP{}:{}D TP{}", p.prefill_replicas, p.prefill_tp, p.decode_replicas, p.decode_tp);
  }
  const std::string split = fmt::format("TP{} PP{}", p.tp, p.pp);
  return p.replicas == 1 ? split : fmt::format("{} x {}", p.replicas, split);
}

std::string AtRateMs(double s) { return std::isfinite(s) ? fmt::format("{:.2f} ms", Ms(s)) : "unstable"; }

// The line under a row with a rate: the fleet's P99s, goodput and price.
std::string RateLine(const SplitPlan& p, const PlanRequest& r) {
  return fmt::format("{:>13} at {:g} req/s: P99 TTFT {}, P99 TPOT {}; goodput {:.2f} req/s, ${:.2f}/h, {:.0f} "
                     "good requests/$\n",
                     "", r.rate_per_s, AtRateMs(p.p99_ttft_s_at_rate), AtRateMs(p.p99_tpot_s_at_rate), p.goodput_rps,
                     p.usd_per_hour, p.goodput_per_usd);
}

// A disaggregated row: the roofline figures alone and the decode pool's
// users; no saturation run.
std::string DisaggRow(const SplitPlan& p, const PlanRequest& r) {
  return fmt::format("{:<13} {:<4} {:>8.2f} {:>8.2f} {:>9} {:>6} {:>9} {:>9} {:>9} {:>8} {}\n", Label(p), "yes",
                     Ms(p.ttft_s), Ms(p.tpot_s), p.max_users, "-", "-", "-", "-", "-", p.meets_slo ? "ok" : "miss") +
         RateLine(p, r);
}

std::string Row(const SplitPlan& p, const PlanRequest& r) {
  if (p.disaggregated) return DisaggRow(p, r);
  if (!p.fits) return fmt::format("{:<13} {:<4} {:>8} {:>8} {:>9} {:>6} {:>9} {:>9} {:>9} {:>8} {}\n", Label(p), "no",
                                  "-", "-", "-", "-", "-", "-", "-", "-", "-");
  return fmt::format("{:<13} {:<4} {:>8.2f} {:>8.2f} {:>9} {:>6} {:>9.2f} {:>9.0f} {:>9.2f} {:>8.3f} {}\n", Label(p),
                     "yes", Ms(p.ttft_s), Ms(p.tpot_s), p.max_users, p.users_simulated, p.saturation_rps,
                     p.saturation_tokens_per_s, p.p99_ttft_s_at_saturation, p.usd_per_million_output_tokens,
                     p.meets_slo ? "ok" : "miss") +
         (r.rate_per_s > 0 ? RateLine(p, r) : std::string());
}

std::string Waterfall(std::int64_t prompt, const std::vector<SplitPlan>& plans) {
  std::string out = fmt::format("\nTTFT waterfall, ms (one {}-token prefill alone; the parts add up to TTFT)\n"
                                "{:<10} {:>8} {:>8} {:>9} {:>8} {:>8} {:>8} {:>9} {:>8}\n",
                                prompt, "split", "matmul", "weights", "attention", "KV", "TP comm", "PP comm",
                                "overhead", "TTFT");
  for (const SplitPlan& p : plans) {
    if (!p.fits || p.replicas != 1) continue;  // one row per split
    const StepBreakdown& b = p.ttft_breakdown;
    out += fmt::format("{:<10} {:>8.2f} {:>8.2f} {:>9.2f} {:>8.2f} {:>8.2f} {:>8.2f} {:>9.2f} {:>8.2f}\n",
                       fmt::format("TP{} PP{}", p.tp, p.pp), Ms(b.matmul_s), Ms(b.weight_memory_s),
                       Ms(b.attention_s), Ms(b.kv_memory_s), Ms(b.tp_comm_s), Ms(b.pp_comm_s), Ms(b.overhead_s),
                       Ms(b.total_s));
  }
  return out;
}

std::string PlanText(const PlanRequest& r, const std::vector<SplitPlan>& plans) {
  std::string out = Heading(r, plans);
  out += fmt::format("{:<13} {:<4} {:>8} {:>8} {:>9} {:>6} {:>9} {:>9} {:>9} {:>8} {}\n", "configuration", "fits",
                     "TTFT ms", "TPOT ms", "max users", "users", "sat req/s", "sat tok/s", "p99 TTFT", "$/1M tok", "SLO");
  out += fmt::format("{:<13} {:<4} {:>8} {:>8} {:>9} {:>6} {:>9} {:>9} {:>9} {:>8}\n", "", "", "alone", "alone", "",
                     "sim", "", "output", "sat, s", "output");
  bool any_fits = false;
  for (const SplitPlan& p : plans) {
    out += Row(p, r);
    any_fits = any_fits || p.fits;
  }
  if (any_fits) out += Waterfall(r.prompt, plans);
  std::string failing;
  for (const SplitPlan& p : plans) {
    if (!p.fits) failing += fmt::format("  {}: {}\n", Label(p), p.reason);
  }
  if (!failing.empty()) out += "\ndo not fit:\n" + failing;
  return out;
}

Status Complete(PlanArgs* a) {
  FLEETLAB_RETURN_IF_ERROR(ReadDuration(a->ttft_slo, "--ttft-slo", &a->request.ttft_slo_s));
  FLEETLAB_RETURN_IF_ERROR(ReadDuration(a->tpot_slo, "--tpot-slo", &a->request.tpot_slo_s));
  FLEETLAB_RETURN_IF_ERROR(ReadDType(a->weight_dtype, "--weight-dtype", &a->request.weight_dtype));
  return ReadDType(a->kv_dtype, "--kv-dtype", &a->request.kv_dtype);
}

void RunPlan(CommandContext& ctx, PlanArgs& a) {
  if (Status s = Complete(&a); !s.ok()) return Fail(ctx, s.message());
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return Fail(ctx, catalog.status().message());
  auto plans = PlanSplits(a.request, *catalog);
  if (!plans.ok()) return Fail(ctx, plans.status().message());
  if (a.json) {
    ctx.out << PlanToJson(*plans, a.request.search_disaggregation).dump(2) << "\n";
  } else {
    ctx.out << PlanText(a.request, *plans);
  }
  if (plans->empty() || !plans->front().fits) {
    Fail(ctx, fmt::format("no split of {} x {} fits {}", a.request.gpus, a.request.gpu, a.request.model));
  }
}

// ---- fleetlab memory

struct MemoryArgs {
  MemoryRequest request;
  std::string kv_dtype = "bf16", weight_dtype = "bf16", reservation = "max_length";
  bool json = false;
};

Status Complete(MemoryArgs* a) {
  FLEETLAB_RETURN_IF_ERROR(ReadDType(a->kv_dtype, "--kv-dtype", &a->request.kv_dtype));
  FLEETLAB_RETURN_IF_ERROR(ReadDType(a->weight_dtype, "--weight-dtype", &a->request.weight_dtype));
  if (ParseReservation(a->reservation, &a->request.reservation)) return Status::Ok();
  return Status::InvalidArgument(fmt::format("--reservation: must be one of max_length, power_of_two, oracle "
                                             "(got \"{}\")", a->reservation));
}

std::string ReservationText(const MemoryArgs& a, const MemoryReport& m) {
  switch (a.request.reservation) {
    case ReservationPolicy::kMaxLength: return fmt::format("the model's max length, {}", m.max_model_len);
    case ReservationPolicy::kPowerOfTwo: return "the next power of two of the context";
    case ReservationPolicy::kOracle: return "exactly the context";
  }
  return "";
}

std::string MemoryText(const MemoryArgs& a, const MemoryReport& m) {
  const MemoryRequest& r = a.request;
  const MemoryPlan& p = m.plan;
  const std::string ep = r.ep > 1 || r.attention_dp > 1 ? fmt::format(" DP{} EP{}", r.attention_dp, r.ep) : "";
  std::string out = fmt::format("{} on {}, TP{} PP{}{} ({} GPUs), context {} tokens per user, {} KV cache\n\n",
                                r.model, r.gpu, r.tp, r.pp, ep, r.tp * r.attention_dp * r.pp, Grouped(r.context),
                                DTypeName(r.kv_dtype));
  out += fmt::format("per GPU: {:.1f} GB usable ({:.1f} GB x {:.2f}) = {:.2f} GB weights + {:.2f} GB activation "
                     "workspace + {:.2f} GB KV cache\n",
                     Gb(p.usable_bytes), Gb(p.gpu_memory_bytes), p.usable_bytes / p.gpu_memory_bytes,
                     Gb(p.weights_bytes_per_gpu), Gb(p.activation_bytes_per_gpu), Gb(p.kv_bytes_per_gpu));
  out += fmt::format("KV per token per GPU: {} B -> {} token slots in the replica\n\n",
                     Grouped(std::llround(p.kv_bytes_per_token_per_gpu)), Grouped(p.kv_capacity.value()));
  out += fmt::format("{:<34} {:>14} {:>10}\n", "allocation", "slots / user", "users");
  out += fmt::format("{:<34} {:>14} {:>10}\n", fmt::format("paged (blocks of {})", r.block_tokens),
                     Grouped(m.slots_per_user_paged), Grouped(m.users_paged));
  out += fmt::format("{:<34} {:>14} {:>10}\n", fmt::format("contiguous ({})", a.reservation),
                     Grouped(m.slots_per_user_contiguous), Grouped(m.users_contiguous));
  const std::string why = fmt::format("paged wastes at most one partly filled block per user; contiguous reserves "
                                      "{} per user", ReservationText(a, m));
  if (m.users_contiguous == 0) {
    return out + fmt::format("\npaged / contiguous: - (no contiguous reservation of {} slots fits; {})\n",
                             Grouped(m.slots_per_user_contiguous), why);
  }
  return out + fmt::format("\npaged / contiguous: {:.2f}x  ({})\n", m.paged_over_contiguous, why);
}

void RunMemory(CommandContext& ctx, MemoryArgs& a) {
  if (Status s = Complete(&a); !s.ok()) return Fail(ctx, s.message());
  auto catalog = LoadCatalog();
  if (!catalog.ok()) return Fail(ctx, catalog.status().message());
  auto report = PlanUsers(a.request, *catalog);
  if (!report.ok()) return Fail(ctx, report.status().message());
  if (!report->plan.fits) return Fail(ctx, "does not fit: " + report->plan.reason);
  if (a.json) return (void)(ctx.out << MemoryToJson(a.request, *report).dump(2) << "\n");
  ctx.out << MemoryText(a, *report);
}

void AddModelAndGpu(CLI::App* cmd, std::string* model, std::string* gpu) {
  cmd->add_option("--model", *model, "Catalog model id or alias, e.g. llama-3-70b (`fleetlab catalog` lists them).")
      ->required();
  cmd->add_option("--gpu", *gpu, "Catalog GPU id, e.g. h100-sxm.")->required();
}

}  // namespace

void AddPlanCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("plan", "Compare every replicas x tensor x pipeline configuration of a GPU budget: "
                                         "one request's TTFT and TPOT, users that fit, simulated throughput and cost "
                                         "at saturation, and with --rate goodput per dollar at that load.");
  auto a = std::make_shared<PlanArgs>();
  AddModelAndGpu(cmd, &a->request.model, &a->request.gpu);
  cmd->add_option("--gpus", a->request.gpus, "The GPU budget (1..1024): every replicas x tp x pp <= GPUS with "
                                             "tp x pp dividing GPUS is tried (--no-replicas: tp x pp = GPUS).")
      ->capture_default_str();
  cmd->add_flag("--replicas,!--no-replicas", a->request.search_replicas,
                "Search data-parallel replicas too (the default); --no-replicas: only the splits tp x pp = GPUS of "
                "one replica, as the lab's /api/v1/plan does.");
  cmd->add_flag("--disaggregation", a->request.search_disaggregation,
                "With --rate (required): also try disaggregated prefill/decode configurations, P prefill replicas of "
                "TP tp_p + D decode replicas of TP tp_d (PP 1) within --gpus, each run at the rate and ranked in the "
                "same list (at most 200; planner.h says how they are pruned).");
  cmd->add_option("--prompt", a->request.prompt, "Prompt tokens per request.")->capture_default_str();
  cmd->add_option("--output", a->request.output, "Output tokens per request.")->capture_default_str();
  cmd->add_option("--ttft-slo", a->ttft_slo, "TTFT objective, e.g. 50ms or 0.05s: for one request alone, or with "
                                             "--rate the fleet's P99 TTFT at that load.");
  cmd->add_option("--rate", a->request.rate_per_s,
                  "Judge --ttft-slo and --tpot-slo on the P99 TTFT and TPOT of a Poisson stream at this many "
                  "requests/s into the whole fleet (the lab's Part 2 target), not on one request alone, and rank by "
                  "goodput per dollar; 0: alone.")
      ->capture_default_str();
  cmd->add_option("--prompt-cv", a->request.prompt_cv, "With --rate: lognormal prompt lengths with this CV around "
                                                       "--prompt (0: fixed).")
      ->capture_default_str();
  cmd->add_option("--output-cv", a->request.output_cv, "With --rate: lognormal output lengths with this CV around "
                                                       "--output (0: fixed).")
      ->capture_default_str();
  cmd->add_option("--load-requests", a->request.load_requests, "With --rate: requests sent, warm-up included.")
      ->capture_default_str();
  cmd->add_option("--seed", a->request.seed, "Seed of the simulations (the lab's parts use 1).")->capture_default_str();
  cmd->add_option("--tpot-slo", a->tpot_slo, "TPOT objective, e.g. 30ms: for one request alone, or with --rate the "
                                           "fleet's P99 TPOT at that load.");
  cmd->add_option("--weight-dtype", a->weight_dtype, "Weight dtype: fp32, bf16, fp16, fp8, int8, int4, nvfp4, mxfp4.")
      ->capture_default_str();
  cmd->add_option("--kv-dtype", a->kv_dtype, "KV-cache dtype.")->capture_default_str();
  cmd->add_option("--engine", a->request.engine, "A catalog engine profile (data/engines, e.g. vllm-v1): each "
                                                 "configuration as a scenario naming replica.engine builds it, its "
                                                 "scheduler, memory budget, host overheads and the catalog's "
                                                 "calibration profile for this GPU and dtype (default: none, "
                                                 "fleetlab's own defaults).");
  cmd->add_option("--max-running", a->request.max_running_per_engine,
                  "Sequences running a pipeline stage in the saturation run (0: the engine's max_num_seqs, 256 "
                  "without one; the lab server's plan uses 256).")
      ->capture_default_str()
      ->check(CLI::Range(0, 1 << 20));
  cmd->add_option("--tp-link", a->request.tp_link, "Link between TP ranks (default: the GPU's scale-up link within a node, InfiniBand NDR across nodes).");
  cmd->add_option("--pp-link", a->request.pp_link, "Link between pipeline stages (default: the GPU's scale-up link "
                                                    "when the split fits in one node, InfiniBand NDR when it spans nodes).");
  cmd->add_flag("--json", a->json, "Print a JSON array of configurations, best first, instead of tables.");
  cmd->callback([&ctx, a] { RunPlan(ctx, *a); });
}

void AddMemoryCommand(CLI::App& app, CommandContext& ctx) {
  auto* cmd = app.add_subcommand("memory", "How many users' KV caches fit on a replica under contiguous and paged "
                                           "allocation, and why.");
  auto a = std::make_shared<MemoryArgs>();
  AddModelAndGpu(cmd, &a->request.model, &a->request.gpu);
  cmd->add_option("--tp", a->request.tp, "Tensor-parallel degree.")->capture_default_str();
  cmd->add_option("--pp", a->request.pp, "Pipeline-parallel degree.")->capture_default_str();
  cmd->add_option("--ep", a->request.ep, "Expert-parallel degree (MoE models): tp x attention-dp GPUs a stage, each "
                                         "with experts/ep of each layer's experts.")
      ->capture_default_str();
  cmd->add_option("--attention-dp", a->request.attention_dp, "Attention data-parallel groups a stage (with --ep), each "
                                                             "of tp GPUs holding its own sequences' KV.")
      ->capture_default_str();
  cmd->add_option("--context", a->request.context, "Tokens per user (prompt + output).")->required();
  cmd->add_option("--block-size", a->request.block_tokens, "Paged KV block, tokens.")->capture_default_str();
  cmd->add_option("--kv-dtype", a->kv_dtype, "KV-cache dtype: fp32, bf16, fp16, fp8, int8, int4, nvfp4, mxfp4.")
      ->capture_default_str();
  cmd->add_option("--weight-dtype", a->weight_dtype, "Weight dtype.")->capture_default_str();
  cmd->add_option("--reservation", a->reservation, "What contiguous allocation reserves per user: max_length "
                                                   "(the model's max context), power_of_two, oracle.")
      ->capture_default_str();
  cmd->add_option("--engine", a->request.engine, "A catalog engine profile (data/engines, e.g. vllm-v1): its memory "
                                                 "budget and reservation (default: none, fleetlab's defaults).");
  cmd->add_flag("--json", a->json, "Print JSON instead of text.");
  cmd->callback([&ctx, a] { RunMemory(ctx, *a); });
}

}  // namespace fleetlab::cli
