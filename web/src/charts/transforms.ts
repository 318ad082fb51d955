// Pure data transforms from the engine's JSON to chart columns (uPlot's
// column-oriented layout). No DOM here: unit-tested on their own.
import type { FrontierResponse, MemoryResponse, Percentiles, ReportSeries, Waterfall } from '../api/types';

export type Col = (number | null)[];

export interface FrontierColumns {
  x: number[];
  simulated: Col;
  analytic: Col;
  knee: Col;
  operating: Col;
  kneeRate: number | null;
  metric: 'e2e' | 'ttft';
}

/**
 * Simulated and analytic P99 against the rate, the knee as a marked point
 * and the student's operating point (rate, P99 of their own run) merged into
 * the x column in order.
 */
export function frontierColumns(f: FrontierResponse, op: { rate: number; p99: number | null } | null): FrontierColumns {
  const s = f.series;
  const metric: 'e2e' | 'ttft' = f.knee?.metric === 'ttft' && s.ttft_p99_ms ? 'ttft' : 'e2e';
  const sim = (metric === 'ttft' ? s.ttft_p99_ms : s.e2e_p99_ms) ?? [];
  const ana = metric === 'ttft' ? [] : s.analytic_e2e_p99_ms ?? [];
  const rows = s.rate_per_s.map((x, i) => ({
    x, sim: sim[i] ?? null, ana: ana[i] ?? null,
    knee: f.knee && f.knee.rate_per_s !== null && f.knee.index === i ? sim[i] ?? null : null, op: null as number | null,
  }));
  if (op && Number.isFinite(op.rate)) {
    const same = rows.find((r) => r.x === op.rate);
    if (same) same.op = op.p99;
    else rows.push({ x: op.rate, sim: null, ana: null, knee: null, op: op.p99 });
  }
  rows.sort((a, b) => a.x - b.x);
  return {
    x: rows.map((r) => r.x), simulated: rows.map((r) => r.sim), analytic: rows.map((r) => r.ana),
    knee: rows.map((r) => r.knee), operating: rows.map((r) => r.op),
    kneeRate: f.knee ? f.knee.rate_per_s : null, metric,
  };
}

export interface WaterfallStep { label: string; ms: number; start: number }

/**
 * The mean TTFT split into queueing, compute (matrix products, weight and
 * KV reads, attention), communication (TP and PP), pipeline bubbles and
 * overhead, each starting where the previous ended; the last step is the
 * total. `residualMs` is what the parts miss of total_ms (0 up to rounding).
 */
export function waterfallSteps(w: Waterfall): { steps: WaterfallStep[]; totalMs: number; residualMs: number } {
  const parts: [string, number][] = [
    ['Queueing', w.queue_ms],
    ['Compute', w.matmul_ms + w.weight_memory_ms + w.attention_ms + w.kv_memory_ms],
    ['Communication', w.tp_comm_ms + w.pp_comm_ms],
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
