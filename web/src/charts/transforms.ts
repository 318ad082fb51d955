// Pure data transforms from the engine's JSON to chart columns (uPlot's
// column-oriented layout). No DOM here: unit-tested on their own.
import type { FrontierResponse, MemoryResponse, Percentiles, ReportSeries, Waterfall } from '../api/types';

export type Col = (number | null)[];

export interface FrontierColumns {
  x: number[];
  /** Simulated P99; an unstable point is pinned at `top` so the curve is seen to explode. */
  simulated: Col;
  /** The unstable points alone (at `top`), marked "queue grows without bound". */
  unstable: Col;
  /** The engine's exact analytic twin where it has one (stations), cut at `top`. */
  analytic: Col;
  /** M/M/1 with the same unloaded P99 and capacity, cut at `top`. */
  reference: Col;
  knee: Col;
  operating: Col;
  /** The part's latency target as a line (null: none on this statistic). */
  target: Col;
  /** The knee as a plotted point: its rate and P99 (null: none within the rates run). */
  kneeRate: number | null;
  kneeP99: number | null;
  /** The y value unstable points are pinned at (the top of the plot). */
  top: number;
  /** Rates at 50, 80 and 90% of the capacity (empty without a capacity). */
  utilisation: { load: number; rate: number }[];
  metric: 'e2e' | 'ttft';
}

/**
 * The frontier's columns: simulated P99 with unstable points pinned at the
 * top, the analytic twin and the M/M/1 reference, the knee as one of the
 * plotted points, the student's operating point (rate, P99 of their own
 * run) merged into the x column in order, and the target as a line.
 */
export function frontierColumns(f: FrontierResponse, op: { rate: number; p99: number | null } | null, targetMs: number | null = null): FrontierColumns {
  const s = f.series;
  const metric: 'e2e' | 'ttft' = f.knee?.metric === 'ttft' && s.ttft_p99_ms ? 'ttft' : 'e2e';
  const sim = (metric === 'ttft' ? s.ttft_p99_ms : s.e2e_p99_ms) ?? [];
  const ana = metric === 'ttft' ? [] : s.analytic_e2e_p99_ms ?? [];
  const ref = s.reference_p99_ms ?? [];
  const finite = sim.filter((v): v is number => v !== null && Number.isFinite(v));
  const top = Math.max(1, ...finite, targetMs ?? 0, op?.p99 ?? 0) * 1.25;
  const cut = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) || v > top ? null : v);
  // No crossing within the rates shown (rate_per_s null): no knee to mark.
  const kneeIdx = f.knee && f.knee.index >= 0 && f.knee.rate_per_s !== null ? f.knee.index : -1;
  type Row = { x: number; sim: number | null; unstable: number | null; ana: number | null; ref: number | null; knee: number | null; op: number | null };
  const rows: Row[] = s.rate_per_s.map((x, i) => {
    const stable = s.stable[i] !== false && sim[i] !== null && sim[i] !== undefined;
    return {
      x, sim: stable ? sim[i]! : top, unstable: stable ? null : top, ana: cut(ana[i]), ref: cut(ref[i]),
      knee: i === kneeIdx && stable ? sim[i]! : null, op: null,
    };
  });
  if (op && Number.isFinite(op.rate)) {
    const same = rows.find((r) => r.x === op.rate);
    if (same) same.op = op.p99 ?? top;
    else rows.push({ x: op.rate, sim: null, unstable: null, ana: null, ref: null, knee: null, op: op.p99 ?? top });
  }
  rows.sort((a, b) => a.x - b.x);
  const cap = f.capacity_per_s ?? null;
  const kneeRow = kneeIdx >= 0 && s.stable[kneeIdx] !== false ? kneeIdx : -1;
  return {
    x: rows.map((r) => r.x), simulated: rows.map((r) => r.sim), unstable: rows.map((r) => r.unstable),
    analytic: rows.map((r) => r.ana), reference: rows.map((r) => r.ref),
    knee: rows.map((r) => r.knee), operating: rows.map((r) => r.op),
    target: rows.map(() => targetMs),
    kneeRate: kneeRow >= 0 ? s.rate_per_s[kneeRow]! : null,
    kneeP99: kneeRow >= 0 ? sim[kneeRow] ?? null : null,
    top,
    utilisation: cap && cap > 0 ? [0.5, 0.8, 0.9].map((load) => ({ load, rate: load * cap })) : [],
    metric,
  };
}

export interface WaterfallStep { label: string; ms: number; start: number }

/**
 * The mean TTFT split into queueing, compute (matrix products, weight and
 * KV reads, attention), communication (TP and PP), pipeline bubbles and
 * overhead, each starting where the previous ended; the last step is the
 * total. Communication includes the expert-parallel all-to-all when the
 * report has one (ep_comm_ms). `residualMs` is what the parts miss of total_ms (0 up to rounding).
 */
export function waterfallSteps(w: Waterfall): { steps: WaterfallStep[]; totalMs: number; residualMs: number } {
  const parts: [string, number][] = [
    ['Queueing', w.queue_ms],
    ['Compute', w.matmul_ms + w.weight_memory_ms + w.attention_ms + w.kv_memory_ms],
    ['Communication', w.tp_comm_ms + w.pp_comm_ms + (w.ep_comm_ms ?? 0)],
    ['Bubbles', w.bubble_ms],
    ['Overhead', w.overhead_ms],
  ];
  let at = 0;
  const steps: WaterfallStep[] = parts.map(([label, ms]) => {
    const s = { label, ms, start: at };
    at += ms;
    return s;
  });
  steps.push({ label: 'TTFT', ms: w.total_ms, start: 0 });
  return { steps, totalMs: w.total_ms, residualMs: w.total_ms - at };
}

export interface HeatmapRows {
  rows: number;
  cells: number;
  time: number[];
  states: string[];
  /** shares[state][row]: the fraction of cells in that state at that row's time. */
  shares: number[][];
}

export function heatmapRows(h: ReportSeries['kv_heatmap']): HeatmapRows {
  const rows = h.time_s.length;
  const shares = h.state_names.map(() => new Array<number>(rows).fill(0));
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < h.cells; c++) {
      const s = h.states[r * h.cells + c];
      if (s !== undefined && shares[s]) shares[s]![r]! += 1 / h.cells;
    }
  }
  return { rows, cells: h.cells, time: h.time_s, states: h.state_names, shares };
}

/** Runs of equal state in one heatmap row: [startCell, length, state]. */
export function rowRuns(states: number[], row: number, cells: number): [number, number, number][] {
  const out: [number, number, number][] = [];
  let start = 0;
  for (let c = 1; c <= cells; c++) {
    const prev = states[row * cells + c - 1]!;
    if (c === cells || states[row * cells + c] !== prev) {
      out.push([start, c - start, prev]);
      start = c;
    }
  }
  return out;
}

export function usersBars(m: MemoryResponse): { labels: string[]; users: number[]; gain: number } {
  return {
    labels: ['Contiguous', 'Paged'],
    users: [m.users_contiguous, m.users_paged],
    gain: m.users_contiguous > 0 ? m.users_paged / m.users_contiguous : Infinity,
  };
}

export const PERCENTILE_KEYS = ['p50', 'p90', 'p95', 'p99', 'p999', 'max'] as const;
export const PERCENTILE_LABELS = ['P50', 'P90', 'P95', 'P99', 'P99.9', 'max'];

export function percentileBars(p: Percentiles | null | undefined): number[] | null {
  if (!p) return null;
  return PERCENTILE_KEYS.map((k) => p[k]);
}

/** Relative change after/before − 1, or null when it cannot be formed. */
export function relChange(before: number | null, after: number | null): number | null {
  if (before === null || after === null || before === 0) return null;
  return after / before - 1;
}

/** A short fingerprint of chart columns: the e2e tests compare it before and after a control moves. */
export function digest(cols: ArrayLike<unknown>[]): string {
  let h = 2166136261;
  const s = JSON.stringify(cols.map((c) => Array.from(c)));
  for (let i = 0; i < s.length; i++) { h ^= s.charCodeAt(i); h = Math.imul(h, 16777619); }
  return (h >>> 0).toString(16);
}

export interface StageRow { label: string; kind: string; p50: number | null; p99: number | null; utilization: number }

/** A path's stages in order, each fan-out followed by its branches ("fanout › branch"). */
export function flattenStages(stages: { name: string; kind: string; latency_ms: Percentiles | null; utilization: number; branches?: typeof stages }[]): StageRow[] {
  const out: StageRow[] = [];
  const add = (s: (typeof stages)[number], prefix: string) => {
    out.push({ label: prefix + s.name, kind: s.kind, p50: s.latency_ms?.p50 ?? null, p99: s.latency_ms?.p99 ?? null, utilization: s.utilization });
    for (const b of s.branches ?? []) add(b, `${prefix}${s.name} › `);
  };
  for (const s of stages) add(s, '');
  return out;
}

export interface HedgeRow { name: string; backupPct: number; wonPct: number | null; wastedPct: number | null }

type HedgeStage = {
  name: string; kind: string; latency_ms: Percentiles | null; started?: number; skipped?: number; need?: number;
  hedge?: null | { backups: number; backup_wins: number; requests: number; backup_fraction: number; wasted_work_fraction: number };
  branches?: HedgeStage[]; stages?: HedgeStage[];
};

/**
 * Every hedged stage on a path: a pool that sends a backup copy (its
 * report's hedge figures), and a fan-out branch that starts only if the
 * join still waits (start_after: a hedge across whole paths: the share of
 * requests it was started for). Branches repeated as name#k are summed.
 */
export function hedgeRows(stages: HedgeStage[]): HedgeRow[] {
  const out: HedgeRow[] = [];
  const add = (name: string, backups: number, won: number | null, requests: number, wasted: number | null) => {
    const base = name.replace(/#\d+$/, '');
    const prev = out.find((r) => r.name === base) as (HedgeRow & { n?: number }) | undefined;
    const row = { name: base, backupPct: requests > 0 ? (100 * backups) / requests : 0, wonPct: won === null || requests <= 0 ? null : (100 * won) / requests, wastedPct: wasted === null ? null : 100 * wasted };
    if (!prev) { out.push({ ...row, n: 1 } as HedgeRow); return; }
    const n = (prev.n ?? 1) + 1; // the mean over the repeated branches
    prev.backupPct += (row.backupPct - prev.backupPct) / n;
    if (prev.wonPct !== null && row.wonPct !== null) prev.wonPct += (row.wonPct - prev.wonPct) / n;
    if (prev.wastedPct !== null && row.wastedPct !== null) prev.wastedPct += (row.wastedPct - prev.wastedPct) / n;
    prev.n = n;
  };
  const walk = (list: HedgeStage[]) => {
    for (const s of list) {
      if (s.hedge) add(s.name, s.hedge.backups, s.hedge.backup_wins, s.hedge.requests, s.hedge.wasted_work_fraction);
      walk(s.branches ?? []);
      walk(s.stages ?? []);
      if (s.kind === 'fanout' && s.branches) {
        const total = Math.max(...s.branches.map((b) => (b.started ?? 0) + (b.skipped ?? 0)));
        for (const b of s.branches) if ((b.skipped ?? 0) > 0 && (b.started ?? 0) < total) add(`${b.name} (started late)`, b.started ?? 0, null, total, null);
      }
    }
  };
  walk(stages);
  return out.map(({ name, backupPct, wonPct, wastedPct }) => ({ name, backupPct, wonPct, wastedPct }));
}
