// Control-change-to-chart-update latency, measured with performance marks:
// a mark when the student moves a control, a measure when the charts that
// answer it have drawn (the next animation frame after the data is set).
// The e2e test reads window.__fleetlabPerf and reports the P95.

declare global { interface Window { __fleetlabPerf?: number[] } }

let seq = 0;
let pending: string | null = null;

export function markChange(): void {
  pending = `lab:change:${++seq}`;
  performance.mark(pending);
}

/** Call when the charts for the latest change are set; measures at the next frame. */
export function markUpdated(): void {
  const start = pending;
  if (!start) return;
  pending = null;
  requestAnimationFrame(() => {
    const m = performance.measure('lab:update', start);
    (window.__fleetlabPerf ??= []).push(m.duration);
    performance.clearMarks(start);
  });
}

export function p95(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  // Nearest rank.
  return s[Math.min(s.length - 1, Math.ceil(0.95 * s.length) - 1)]!;
}
