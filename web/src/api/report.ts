// Reading the engine's JSON by the dot paths the tracks name
// ("latency_ms.ttft.p99", "cost.usd_per_million_output_tokens").
import type { JsonValue, Overrides, Part, PathStage, Report, Target } from './types';

export function getPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/**
 * A number at `path`, or null when absent or not a finite number. A report's
 * latencies (latency_ms.*) read as null when the run is unstable: the engine
 * reports them beside its verdict, but they have no steady state to show.
 */
export function getNumber(obj: unknown, path: string): number | null {
  if (isUnstable(obj) && /^(latency_ms|llm)\./.test(path)) return null;
  let v = getPath(obj, path);
  if (v === undefined) {
    // The contract's shorthand "llm.ttft_ms.p99" names the report's latency_ms.ttft.p99.
    const m = path.match(/^llm\.([a-z0-9]+)_ms\.([a-z0-9]+)$/);
    if (m) v = getPath(obj, `latency_ms.${m[1]}.${m[2]}`);
  }
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/**
 * A report as the lab shows it: when the engine judged the run unstable, its
 * latencies (the run's own and every path stage's) become null, as they have
 * no steady state; the engine reports them beside its verdict for tools that
 * want them. A stable report comes back as it is.
 */
export function steadyView(report: Report): Report {
  if (report.stable !== false) return report;
  const out: Report = { ...report, latency_ms: { e2e: null, queue: null } };
  for (const k of ['ttft', 'tpot', 'itl'] as const) if (k in report.latency_ms) out.latency_ms[k] = null;
  if (report.path) out.path = { ...report.path, stages: report.path.stages.map(hideStageLatency) };
  return out;
}

function hideStageLatency(s: PathStage): PathStage {
  return { ...s, latency_ms: null, ...(s.branches ? { branches: s.branches.map(hideStageLatency) } : {}) };
}

/** Whether `obj` is a report whose run the engine judged unstable. */
export function isUnstable(obj: unknown): boolean {
  return obj !== null && typeof obj === 'object' && (obj as Record<string, unknown>).stable === false;
}

/**
 * The scenario with overrides applied (a copy): what the run will use. The
 * paths are applied in sorted order, as the server applies them (its JSON
 * objects keep their keys sorted): a parent before its children.
 */
export function applyOverrides(scenario: Record<string, JsonValue>, overrides: Overrides): Record<string, JsonValue> {
  const out = structuredClone(scenario);
  for (const [path, value] of Object.entries(overrides).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    const keys = path.split('.');
    let cur: Record<string, JsonValue> = out;
    for (const k of keys.slice(0, -1)) {
      // An array is walked by its index ("path.stages.1.link.bytes"), as the server's overrides do.
      const next = cur[k];
      if (next === null || typeof next !== 'object') cur[k] = {};
      cur = cur[k] as Record<string, JsonValue>;
    }
    cur[keys[keys.length - 1] as string] = value;
  }
  return out;
}

export function isLlm(report: Report): boolean { return report.ttft_waterfall !== undefined || report.replica !== undefined; }

export interface Headline {
  path: string; label: string; unit: string;
  /** In `unit` (the report's value times the target's scale). */
  value: number | null;
  /** The report's own value at `path`, which the target is judged on. */
  raw: number | null;
}

/** Whether `v` meets the target (at most max / at least min); null when it cannot be judged. */
export function targetMet(t: Target | null, v: number | null): boolean | null {
  if (!t || v === null) return null;
  if (typeof t.max === 'number') return v <= t.max;
  if (typeof t.min === 'number') return v >= t.min;
  return null;
}

/** The number a part is judged on: its target's metric, else P99 TTFT (LLM) or P99 latency. */
export function headline(part: Part, report: Report): Headline {
  const t = part.target;
  if (t) {
    const raw = getNumber(report, t.metric);
    const scale = t.scale ?? 1;
    return { path: t.metric, label: t.metric_label ?? metricLabel(t.metric), unit: t.unit ?? unitOf(t.metric), value: raw === null ? null : raw * scale, raw };
  }
  const path = isLlm(report) ? 'latency_ms.ttft.p99' : 'latency_ms.e2e.p99';
  const raw = getNumber(report, path);
  return { path, label: metricLabel(path), unit: 'ms', value: raw, raw };
}

const LABELS: Record<string, string> = {
  'latency_ms.e2e.p50': 'median latency',
  'deadline.miss_rate': 'frames missing the deadline',
  'path.energy.mean_power_w': 'average power',
  'path.energy.per_request_j': 'energy per request',
  'path.energy.radio_j': 'radio energy',
  'cost.usd_per_request': 'cost per user (per answered request)',
  'concurrency.running': 'users running at once',
  'batching.mean_batch_size': 'mean batch (sequences per iteration)',
  'preemption.count': 'preemptions',
  'tp_link.bytes_per_token': 'TP link bytes per token',
  'latency_ms.ttft.p99': 'P99 time to first token',
  'latency_ms.ttft.p50': 'median time to first token',
  'latency_ms.ttft.mean': 'mean time to first token',
  'latency_ms.e2e.p99': 'P99 latency',
  'latency_ms.e2e.mean': 'mean latency',
  'latency_ms.tpot.p99': 'P99 time per output token',
  'latency_ms.itl.p99': 'P99 inter-token gap',
  'ttft_waterfall.total_ms': 'mean time to first token',
  'cost.usd_per_million_output_tokens': 'cost per million output tokens',
  'cost.usd_per_concurrent_user_hour': 'cost per concurrent user-hour',
  'energy.average_power_w': 'average power',
  'energy.joules_per_output_token': 'energy per output token',
};

/** A readable label for a report path; an unknown path reads as its last words ("latency ms p50"), never as a dot path. */
export function metricLabel(path: string): string {
  const known = LABELS[path];
  if (known) return known;
  const words = path.split('.').filter((w) => !/^\d+$/.test(w)).slice(-2).join(' ').replace(/_/g, ' ');
  return words.replace(/\bp(\d+)\b/, 'P$1').replace(/\bms\b/, '').replace(/\s+/g, ' ').trim();
}

export function unitOf(path: string): string {
  if (path.includes('latency_ms') || path.endsWith('_ms')) return 'ms';
  if (path.endsWith('miss_rate')) return '';
  if (path.endsWith('_w')) return 'W';
  if (path.endsWith('_j')) return 'J';
  if (path === 'cost.usd_per_request') return 'USD';
  if (path.startsWith('cost.usd_per_million')) return 'USD/M tok';
  if (path === 'cost.usd_per_concurrent_user_hour') return 'USD/user-h';
  if (path === 'energy.average_power_w') return 'W';
  if (path === 'energy.joules_per_output_token') return 'J/tok';
  return '';
}

/**
 * A value in SI steps for watts and joules (0.000525 W → 0.525 mW), a share
 * as a percentage; other units as they are.
 */
export function fmtHuman(v: number | null, unit: string): string {
  if (v === null || !Number.isFinite(v)) return fmt(v, unit);
  if (unit === 'W' || unit === 'J') {
    const a = Math.abs(v);
    if (a !== 0 && a < 1e-3) return fmt(v * 1e6, `µ${unit}`);
    if (a !== 0 && a < 1) return fmt(v * 1e3, `m${unit}`);
  }
  if (unit === 'share') return fmt(v * 100, '%');
  return fmt(v, unit);
}

/** "12.3 ms", "0.912 USD/user-h": three significant figures. */
export function fmt(v: number | null, unit = ''): string {
  if (v === null || !Number.isFinite(v)) return '—';
  const a = Math.abs(v);
  const s = a >= 1000 ? v.toFixed(0) : a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(2) : a === 0 ? '0' : v.toPrecision(3);
  return unit ? `${s} ${unit}` : s;
}
