// A typed mirror of the lab API v1 (docs/api.md) and of the engine's JSON
// (docs/report.md).
// Fields the engine may add are allowed; the ones the lab reads are named.

export type JsonValue = string | number | boolean | null | JsonValue[] | { [k: string]: JsonValue };
export type Overrides = Record<string, JsonValue>;

export interface Health { status: string; version: string; api: number }

export type ErrorCode =
  | 'invalid_field' | 'unknown_field' | 'bad_json' | 'not_found' | 'too_large'
  | 'refused' | 'busy' | 'limit_exceeded' | 'not_implemented' | 'internal'
  | 'forbidden' | 'method_not_allowed' | 'unsupported_media_type';

export interface ApiErrorBody { error: { code: ErrorCode; field: string | null; message: string } }

export interface Choice { id: string; label: string }

export type ControlKind = 'range' | 'select' | 'toggle';
export interface Control {
  path: string;
  label: string;
  kind: ControlKind;
  unit: string;
  min?: number;
  max?: number;
  step?: number;
  options?: JsonValue[];
  /** What the student reads for each select option (whole layouts as options). */
  labels?: string[];
  /** The control acts only while the value at `when.path` is one of `when.in`; else it is disabled with `when_text`. */
  when?: { path: string; in?: JsonValue[]; not_in?: JsonValue[] } | null;
  when_text?: string;
  value: JsonValue;
}

/** Instruments the lab draws; unknown names fall back to a percentile chart. */
export type InstrumentName =
  | 'frontier' | 'waterfall' | 'heatmap' | 'users' | 'deadline' | 'energy' | 'cost'
  | 'fanout' | 'hedge' | (string & {});

/** A bound on a report figure: at most `max`, or at least `min`. */
export interface Target {
  metric: string; max?: number; min?: number; label: string;
  /** What the headline reads ("P99 time to first token at 2 req/s"), its unit and the factor from the report's unit. */
  metric_label?: string; unit?: string; scale?: number;
  /** The moves that win it from the part's defaults, one {path: value} object per step. */
  winning_path?: Overrides[];
}

/** A part's resource budget: the product of the values at `factors` at most `max` (replicas x TP x PP <= 8 GPUs). */
export interface Budget { max: number; factors: string[]; unit?: string; rule?: string }

/** The Serving Cost Dominance Law's inputs a part states, with their sources. */
export interface CostLawInputs {
  capex_usd_per_device: number; capex_source: string;
  usd_per_kwh: number; usd_per_kwh_source: string;
  /** When the devices have no rental price in the catalog (edge devices): OpEx is energy alone. */
  device?: string; years?: number;
}

/** A labelled report figure the workbench shows (weight-gather's trade, preemption). */
export interface Figure { metric: string; label: string; unit?: string; scale?: number; digits?: number }

/**
 * A stakeholder challenge (the CFO's in Cloud Titan Part 3, each track its
 * own) as the lab judges it. The API passes the track file's object through
 * as written; src/views/challenge.ts normalises the accepted spellings.
 */
export interface Challenge {
  stakeholder: string;
  text: string;
  /** Report dot path of the figure to cut, e.g. "cost.usd_per_million_output_tokens". */
  metric: string;
  metric_label?: string;
  /** Fractional change required: -0.5 means "at least 50% lower". */
  change: number;
  /** The figure that must not regress, e.g. "latency_ms.e2e.p99". */
  guard: { metric: string; label?: string; max_regression: number };
  /** Overrides that give the "before" configuration. */
  baseline: Overrides;
  /** Paths copied from the student's settings into the "before" run, so both run at the same load. */
  same_load: string[];
  /** How the figure is defined, in one sentence ("cost per user = ..."). */
  definition?: string;
  /** The moves that win it from the part's defaults. */
  winning_path?: Overrides[];
}

export interface Part {
  track: string;
  id: string;
  number: number;
  title: string;
  question: string;
  question_kind: 'choice' | 'number';
  choices: Choice[];
  unit: string;
  controls: Control[];
  instruments: InstrumentName[];
  target: Target | null;
  /** As written in the track file; see normalizeChallenge. */
  challenge: { [k: string]: JsonValue } | null;
  reflection: string;
  /** The frontier's rates as fractions of the measured capacity. */
  frontier?: { low_load: number; high_load: number; points: number } | null;
  budget?: Budget | null;
  /** Math Peek formulas, by id (the cost law and TTFT vs TPOT are always shown). */
  math?: string[] | null;
  cost?: CostLawInputs | null;
  figures?: Figure[] | null;
  /** Only in GET /tracks/{track}/{part}: the scenario as written, "lab" removed. */
  scenario?: Record<string, JsonValue>;
}

export interface Track {
  id: string;
  name: string;
  persona: string;
  north_star: string;
  crisis: string;
  parts: Part[];
}

export interface TracksResponse { tracks: Track[] }

export interface Percentiles {
  count: number; mean: number; p50: number; p90: number; p95: number; p99: number; p999: number; max: number;
  mean_ci95?: number; p99_ci95?: number;
}

export interface Waterfall {
  queue_ms: number; matmul_ms: number; weight_memory_ms: number; attention_ms: number; kv_memory_ms: number;
  tp_comm_ms: number; pp_comm_ms: number; bubble_ms: number; overhead_ms: number; total_ms: number;
  /** The expert-parallel all-to-all (dispatch and combine); present only when non-zero. */
  ep_comm_ms?: number;
}

export type KvState = 'free' | 'stored' | 'reserved' | 'internal' | 'external' | 'cached';
export type KvShares = Record<KvState, number>;

export interface ReportSeries {
  queue: { time_s: number[]; waiting: number[]; running: number[]; kv_share: Record<string, number[]> };
  kv_heatmap: { cells: number; time_s: number[]; state_names: string[]; states: number[]; owners: number[] };
}

/** One stage of a request path (include/fleetlab/path/path_report.h, rendered by src/report/path_render.cc). */
export interface PathStage {
  name: string;
  kind: 'link' | 'pool' | 'fanout';
  latency_ms: Percentiles | null;
  capacity_per_s: number;
  utilization: number;
  energy_j: number;
  messages?: number; attempts?: number; lost?: number;
  replicas?: number; replica_utilization?: number[]; wakeups?: number;
  hedge?: null | { trigger: string; delay_ms: number; requests: number; backups: number; backup_wins: number; cancelled: number; backup_fraction: number; wasted_work_fraction: number };
  need?: number; branches?: PathStage[];
}

export interface PathReport {
  stages: PathStage[];
  energy: null | { total_j: number; compute_j: number; radio_j: number; mean_power_w: number; per_request_j: number };
}

/** A latency budget per request: misses and stutter (runs of consecutive misses). */
export interface DeadlineReport { budget_ms: number; met: number; missed: number; miss_rate: number; longest_miss_run: number; stutters: number }

/** One workload class's figures (docs/report.md, "Class fields"); TTFT and TPOT null without an LLM. */
export interface ClassReport {
  name: string; completed: number; dropped: number; throughput_rps: number;
  latency_ms: { e2e: Percentiles | null; ttft: Percentiles | null; tpot: Percentiles | null };
  slo: { ttft_ms: number | null; tpot_ms: number | null; e2e_ms: number | null };
  slo_attainment: number;
}

/** `fleetlab run --json` (docs/report.md). LLM fields are present only for a replica. Latencies are reported even when `stable` is false: read them through getNumber, which hides them then. */
export interface Report {
  seed: number;
  scenario: string;
  stable: boolean;
  stability: string;
  latency_ms: {
    e2e: Percentiles | null; queue: Percentiles | null;
    ttft?: Percentiles | null; tpot?: Percentiles | null; itl?: Percentiles | null;
  };
  /** Rates over the arrival window (the drain after the last arrival excluded); `with_drain` as serving benchmarks count them. */
  throughput: {
    requests_per_s: number; output_tokens_per_s?: number; prompt_tokens_per_s?: number; drain_s?: number;
    with_drain?: { requests_per_s: number; window_s: number; output_tokens_per_s?: number };
  };
  utilization: number;
  capacity_per_s: number;
  offered: { rate_per_s: number; load: number };
  requests: { completed: number; arrived: number; dropped: number; output_tokens?: number; [k: string]: number | undefined };
  queue: { mean_length: number; mean_in_system: number; backlog_growth_per_s: number; little_w_s?: number[] };
  batching?: { mean_batch_size: number; size_counts?: number[] };
  analytic: null | {
    method: string; exact: boolean; stable: boolean; utilization: number;
    e2e_ms: { mean: number; p50: number; p99: number; p999: number } | null;
    queue_ms?: { mean: number; p99: number } | null;
  };
  kv?: { capacity_tokens: number; capacity_gb?: number; peak_utilization: number; mean_share: KvShares; swaps: number; prefix_hit_rate?: number };
  preemptions?: number;
  preemption?: { count: number; swaps: number; recomputed_tokens: number; recompute_ms: number };
  tp_link?: { bytes_per_token: number; comm_ms: number; busy_fraction: number; layout: string };
  cost?: { usd_per_million_output_tokens: number; usd_per_hour: number; usd_per_concurrent_user_hour: number; usd_per_request?: number; gpus?: number };
  energy?: { average_power_w: number; joules_per_output_token: number };
  slo?: { ttft_ms: number; tpot_ms: number; attainment: number; goodput_rps: number };
  gpu?: { mfu: number; mbu: number; busy_fraction: number };
  ttft_waterfall?: Waterfall;
  replica?: { model: string; gpu: string; tp: number; pp: number; gpus: number; memory: Record<string, number> };
  concurrency?: { mean: number; running?: number };
  speculative?: { tokens_per_step: number };
  series?: ReportSeries;
  /** A request-path scenario: each stage's figures and the energy. */
  path?: PathReport;
  /** A scenario with a deadline. */
  deadline?: DeadlineReport;
  /** A scenario with workload classes, in its order. */
  classes?: ClassReport[];
  [k: string]: unknown;
}

export interface RunRequest {
  track?: string; part?: string; scenario?: Record<string, JsonValue>;
  overrides: Overrides; series?: boolean;
}
export interface RunResponse { report: Report; wall_ms: number }

export interface FrontierRequest {
  track?: string; part?: string; scenario?: Record<string, JsonValue>; overrides: Overrides;
  rates: { low: number; high: number; points: number } | { low_load: number; high_load: number; points: number };
  metric: 'e2e' | 'ttft';
  requests?: number;
}

/** `fleetlab frontier --json`: column series (uPlot's layout). */
export interface FrontierResponse {
  seed: number;
  analytic_method?: string;
  /** The capacity the loads are fractions of: exact (stations, paths) or measured at saturation (LLM replicas). */
  capacity_per_s?: number | null;
  capacity_source?: string;
  reference?: string;
  knee: {
    index: number; /** null: no crossing within the rates run */ rate_per_s: number | null; factor: number; unloaded_p99_ms: number; rule: string; metric?: string;
    /** The knee as a plotted point: the last rate within the line, its P99 and its load. */
    point_rate_per_s?: number | null; point_p99_ms?: number | null; point_load?: number | null;
  } | null;
  series: {
    rate_per_s: number[]; offered_load: number[]; throughput_rps: number[]; utilization: number[];
    e2e_mean_ms: (number | null)[]; e2e_p50_ms: (number | null)[]; e2e_p99_ms: (number | null)[];
    e2e_p999_ms?: (number | null)[];
    analytic_e2e_mean_ms?: (number | null)[]; analytic_e2e_p99_ms?: (number | null)[];
    ttft_p50_ms?: (number | null)[]; ttft_p99_ms?: (number | null)[]; tpot_mean_ms?: (number | null)[];
    output_tokens_per_s?: (number | null)[];
    /** M/M/1 with the same unloaded P99 and capacity; null at or past capacity. */
    reference_p99_ms?: (number | null)[];
    stable: boolean[];
  };
}

export interface AnswerRequest { track: string; part: string; overrides: Overrides }
export interface AnswerResponse { choice: string; value: number; reason: string; evidence?: Record<string, unknown> }

export interface MemoryRequest {
  model: string; gpu: string; gpus?: number; tp?: number; pp?: number; ep?: number; attention_dp?: number; context: number;
  block_size?: number; reservation?: string; kv_dtype?: string; weight_dtype?: string;
}
/** `fleetlab memory --json`. */
export interface MemoryResponse {
  model: string; gpu: string; tp: number; pp: number; ep: number; attention_dp: number; gpus: number; context: number;
  users_paged: number; users_contiguous: number; paged_over_contiguous: number;
  kv_capacity_tokens: number; weights_gb_per_gpu: number; usable_gb_per_gpu: number;
  [k: string]: unknown;
}

export interface PlanRequest { model: string; gpu: string; gpus: number; prompt?: number; output?: number }
export interface PlanSplit { tp: number; pp: number; fits: boolean; reason: string; ttft_ms: number; tpot_ms: number; [k: string]: unknown }
export type PlanResponse = PlanSplit[];

export interface CatalogResponse {
  models: { id: string; name: string; architecture?: string; params?: number; [k: string]: unknown }[];
  gpus: { id: string; name: string; memory_gb: number; power_w: number; price_per_hour_usd: number; [k: string]: unknown }[];
  links: { id: string; name: string; bandwidth_gbps: number; latency_us: number }[];
  hosts: unknown[];
}
