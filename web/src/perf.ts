// Control-change-to-chart-update latency, measured with performance marks:
// a mark when the student moves a control, a measure when the charts that
// answer it have drawn (the next animation frame after the data is set).
// "update" is the run's instruments and the headline; "frontier" the
// frontier curve, recomputed only when a setting other than the rate moves.
// The e2e test reads window.__fleetlabPerf / __fleetlabPerfFrontier.

declare global {
  interface Window {
    __fleetlabPerf?: number[];
    /** The server's simulation time (wall_ms) of the run behind each __fleetlabPerf sample (null: an error). */
    __fleetlabPerfServer?: (number | null)[];
    __fleetlabPerfFrontier?: number[];
  }
}

let seq = 0;
let latest: string | null = null;
const measured = new Set<string>();

/** Marks a control change; returns the mark's name. */
export function markChange(): string {
  latest = `lab:change:${++seq}`;
  performance.mark(latest);
  return latest;
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
    } else (window.__fleetlabPerfFrontier ??= []).push(m.duration);
  });
}

export function p95(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  // Nearest rank.
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}
