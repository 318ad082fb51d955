// Control-change-to-chart-update latency, measured with performance marks:
// a mark when the student moves a control, a measure when the charts that
// answer it have drawn (the next animation frame after the data is set).
// "update" is the run's instruments and the headline; "frontier" the
// frontier curve, recomputed only when a setting other than the rate moves.
// Each update sample also carries where its time went (window.__fleetlabPerfDetail):
// phases in ms since the change, the run request's resource timing, and the
// time each instrument took to set its data.
// The e2e test reads window.__fleetlabPerf / __fleetlabPerfFrontier / __fleetlabPerfDetail.

export interface PerfDetail {
  /** "track/part" of the workbench that made the change. */
  part: string;
  ms: number;
  /** The server's simulation time (wall_ms); null: an error. */
  server: number | null;
  /** ms since the change: when each step was reached. */
  at: Record<string, number>;
  /** ms spent in each instrument's feed (setData / build). */
  feed: Record<string, number>;
  /** Bytes of the run's response body (as transferred), when the browser reports them. */
  bytes: number | null;
}

declare global {
  interface Window {
    __fleetlabPerf?: number[];
    /** The server's simulation time (wall_ms) of the run behind each __fleetlabPerf sample (null: an error). */
    __fleetlabPerfServer?: (number | null)[];
    __fleetlabPerfFrontier?: number[];
    __fleetlabPerfDetail?: PerfDetail[];
  }
}

// The walk makes a few hundred requests; keep their timings (the default buffer holds 250).
if (typeof performance.setResourceTimingBufferSize === 'function') performance.setResourceTimingBufferSize(5000);

let seq = 0;
let latest: string | null = null;
const measured = new Set<string>();
const open = new Map<string, { t0: number; part: string; at: Record<string, number>; feed: Record<string, number> }>();

/** Marks a control change in `part`; returns the mark's name. */
export function markChange(part = ''): string {
  latest = `lab:change:${++seq}`;
  performance.mark(latest);
  open.set(latest, { t0: performance.now(), part, at: {}, feed: {} });
  if (open.size > 50) open.delete(open.keys().next().value!);
  return latest;
}

/** Notes that the work answering `start` reached step `name` (first time only). */
export function markStep(name: string, start: string | null = latest): void {
  const r = start ? open.get(start) : undefined;
  if (r && !(name in r.at)) r.at[name] = performance.now() - r.t0;
}

/** Adds `ms` spent in instrument `name` to the work answering `start`. */
export function addFeed(name: string, ms: number, start: string | null = latest): void {
  const r = start ? open.get(start) : undefined;
  if (r) r.feed[name] = (r.feed[name] ?? 0) + ms;
}

/** Call when the charts answering `start` (default: the latest change) are set; measured once, at the next frame. */
export function markUpdated(kind: 'update' | 'frontier' = 'update', start: string | null = latest, serverMs: number | null = null): void {
  if (!start || measured.has(kind + start)) return;
  measured.add(kind + start);
  requestAnimationFrame(() => {
    const m = performance.measure(`lab:${kind}`, start);
    if (kind === 'update') {
      (window.__fleetlabPerf ??= []).push(m.duration);
      (window.__fleetlabPerfServer ??= []).push(serverMs);
      const r = open.get(start);
      if (r) (window.__fleetlabPerfDetail ??= []).push({ part: r.part, ms: m.duration, server: serverMs, ...withRunTiming(r), feed: r.feed });
      open.delete(start);
    } else (window.__fleetlabPerfFrontier ??= []).push(m.duration);
  });
}

/** The steps, with the browser's timing of the last /run request sent after the change. */
function withRunTiming(r: { t0: number; at: Record<string, number> }): { at: Record<string, number>; bytes: number | null } {
  const runs = performance.getEntriesByType('resource')
    .filter((e): e is PerformanceResourceTiming => e.name.endsWith('/api/v1/run') && e.startTime >= r.t0);
  const e = runs.at(-1);
  if (!e) return { at: r.at, bytes: null };
  return {
    at: { ...r.at, run_sent: e.startTime - r.t0, run_first_byte: e.responseStart - r.t0, run_received: e.responseEnd - r.t0 },
    bytes: e.encodedBodySize || null,
  };
}

export function p95(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  // Nearest rank.
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}
