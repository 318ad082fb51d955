// POST /api/v1/plan and /api/v1/memory: the planner (planner/planner.h), JSON
// exactly as `fleetlab plan --json` and `fleetlab memory --json` print it.
// The lab's plan searches no replicas (the whole-budget splits it shows,
// `fleetlab plan --no-replicas`) unless the body sets search_replicas, and
// disaggregated pools only with search_disaggregation (and a rate); its
// replicas follow fleetlab's defaults unless the body names an engine.
#include <fmt/format.h>

#include "planner/planner_json.h"
#include "server/scenario_request.h"

namespace fleetlab::server {
namespace {

using nlohmann::json;

constexpr std::int64_t kMaxTokens = 10'000'000;
constexpr std::int64_t kMaxRunningPerStage = 256;  // users of a saturation run per pipeline stage

bool ReadDType(Body& body, const char* key, DType* out) {
  std::string name;
  if (!body.String(key, &name) || name.empty()) return body.ok();
  const auto d = ParseDType(name);
  if (!d) {
    body.Fail(Unprocessable(key, fmt::format("{}: must be one of fp32, bf16, fp16, fp8, int8, int4 (got \"{}\")", key,
                                             name)));
  } else {
    *out = *d;
  }
  return body.ok();
}

std::optional<ApiError> ReadPlan(Body& b, const RunBounds& bounds, PlanRequest* r) {
  std::int64_t gpus = r->gpus;
  double ttft_ms = 0, tpot_ms = 0;
  b.String("model", &r->model, true);
  b.String("gpu", &r->gpu, true);
  b.Integer("gpus", &gpus, 1, bounds.max_plan_gpus);
  b.Integer("prompt", &r->prompt, 1, kMaxTokens);
  b.Integer("output", &r->output, 1, kMaxTokens);
  b.Number("ttft_slo_ms", &ttft_ms, 0, 1e9);
  b.Number("tpot_slo_ms", &tpot_ms, 0, 1e9);
  ReadDType(b, "weight_dtype", &r->weight_dtype);
  ReadDType(b, "kv_dtype", &r->kv_dtype);
  b.String("tp_link", &r->tp_link);
  b.String("pp_link", &r->pp_link);
  b.String("engine", &r->engine);
  b.Number("rate_per_s", &r->rate_per_s, 0, 1e6);
  b.Number("prompt_cv", &r->prompt_cv, 0, 100);
  b.Number("output_cv", &r->output_cv, 0, 100);
  b.Bool("search_replicas", &r->search_replicas);
  b.Bool("search_disaggregation", &r->search_disaggregation);
  if (b.ok() && r->search_disaggregation && !(r->rate_per_s > 0)) {
    return Unprocessable("search_disaggregation",
                         "search_disaggregation: needs rate_per_s > 0 (a disaggregated configuration is judged only "
                         "at a rate: it has no saturation run)");
  }
  r->gpus = static_cast<int>(gpus);
  r->ttft_slo_s = ttft_ms / 1e3;
  r->tpot_slo_s = tpot_ms / 1e3;
  return b.error();
}

std::optional<ApiError> ReadMemory(Body& b, MemoryRequest* r) {
  std::int64_t tp = r->tp, pp = r->pp, ep = r->ep, dp = r->attention_dp, gpus = 0;
  std::string reservation = "max_length";
  b.String("model", &r->model, true);
  b.String("gpu", &r->gpu, true);
  b.Integer("tp", &tp, 1, 1024);
  b.Integer("pp", &pp, 1, 1024);
  b.Integer("ep", &ep, 1, 1024);
  b.Integer("attention_dp", &dp, 1, 1024);
  b.Integer("gpus", &gpus, 1, 1024);
  b.Integer("context", &r->context, 1, kMaxTokens, true);
  b.Integer("block_size", &r->block_tokens, 1, 1'000'000);
  ReadDType(b, "kv_dtype", &r->kv_dtype);
  ReadDType(b, "weight_dtype", &r->weight_dtype);
  b.String("reservation", &reservation);
  b.String("engine", &r->engine);
  if (!b.ok()) return b.error();
  if (!ParseReservation(reservation, &r->reservation)) {
    return Unprocessable("reservation", fmt::format("reservation: must be one of max_length, power_of_two, oracle "
                                                    "(got \"{}\")", reservation));
  }
  if (gpus > 0 && gpus != tp * dp * pp) {
    return Unprocessable("gpus", fmt::format("gpus: must equal tp x attention_dp x pp = {} (got {})", tp * dp * pp,
                                             gpus));
  }
  r->tp = static_cast<int>(tp);
  r->pp = static_cast<int>(pp);
  r->ep = static_cast<int>(ep);
  r->attention_dp = static_cast<int>(dp);
  return std::nullopt;
}

// An "engine" field names a catalog engine profile (or is absent).
std::optional<ApiError> CheckEngine(const Catalog& catalog, const std::string& engine) {
  if (engine.empty() || catalog.FindEngine(engine) != nullptr) return std::nullopt;
  return Unprocessable("engine", fmt::format("engine: unknown engine \"{}\"; must be one of {}", engine,
                                             catalog.EngineIds()));
}

std::string NoFitMessage(const PlanRequest& r, const std::vector<SplitPlan>& plans) {
  std::string out = fmt::format("does not fit: no split of {} x {} fits {}", r.gpus, r.gpu, r.model);
  for (const SplitPlan& p : plans) out += fmt::format("; TP{} PP{}: {}", p.tp, p.pp, p.reason);
  return out;
}

}  // namespace

void AddPlanRoutes(Router& router, ServerContext& ctx) {
  router.Add("POST", "/api/v1/plan", [&ctx](const HttpRequest& req, HttpResponse& res) {
    Body body(req.body, {"model", "gpu", "gpus", "prompt", "output", "ttft_slo_ms", "tpot_slo_ms", "weight_dtype",
                         "kv_dtype", "tp_link", "pp_link", "rate_per_s", "prompt_cv", "output_cv",
                         "search_replicas", "search_disaggregation", "engine"});
    PlanRequest request;
    if (auto e = body.ok() ? ReadPlan(body, ctx.options.bounds, &request) : body.error()) return SendError(res, *e);
    if (auto e = CheckEngine(ctx.catalog, request.engine)) return SendError(res, *e);
    // The saturation runs keep the bound they have without an engine (the
    // CLI takes the engine's max_num_seqs, up to 2,048: 8x the users).
    request.max_running_per_engine = kMaxRunningPerStage;
    res.deferred = [&ctx, request](JobContext& job, HttpResponse& res) mutable {
      const double wall_s = ctx.options.bounds.max_wall_s;
      WallLimit wall(ctx.watchdog.get(), wall_s, job.cancel);
      request.cancel = wall.flag();
      auto plans = PlanSplits(request, ctx.catalog);
      if (!plans.ok()) {
        return SendError(res, wall.expired() ? RunError(plans.status(), true, wall_s) : FromStatus(plans.status()));
      }
      if (plans->empty() || !plans->front().fits) {
        return SendError(res, ApiError{422, "refused", "", NoFitMessage(request, *plans)});
      }
      SendJson(res, 200, PlanToJson(*plans, request.search_disaggregation));
    };
  });
  router.Add("POST", "/api/v1/memory", [&ctx](const HttpRequest& req, HttpResponse& res) {
    Body body(req.body, {"model", "gpu", "gpus", "tp", "pp", "ep", "attention_dp", "context", "block_size",
                         "kv_dtype", "weight_dtype", "reservation", "engine"});
    MemoryRequest request;
    if (auto e = body.ok() ? ReadMemory(body, &request) : body.error()) return SendError(res, *e);
    if (auto e = CheckEngine(ctx.catalog, request.engine)) return SendError(res, *e);
    auto report = PlanUsers(request, ctx.catalog);
    if (!report.ok()) return SendError(res, FromStatus(report.status()));
    if (!report->plan.fits) return SendError(res, ApiError{422, "refused", "", "does not fit: " + report->plan.reason});
    SendJson(res, 200, MemoryToJson(request, *report));
  });
}

}  // namespace fleetlab::server
