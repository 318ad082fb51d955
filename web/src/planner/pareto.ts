// The Pareto front of points on two axes: the points no other point beats on
// both. Lower is better on y (a latency); on x lower (a cost) unless
// maximizeX (a throughput). The same rule as the engine's ParetoFront
// (src/report/charts_page.cc).
import type { Point } from './load';

export function usable(v: unknown, log: boolean): v is number {
  return typeof v === 'number' && Number.isFinite(v) && (!log || v > 0);
}

/** Indices of `points` on the front, in order of x. */
export function paretoFront(points: Point[], xKey: string, yKey: string, maximizeX: boolean, xLog = false, yLog = false): number[] {
  const idx = points.map((_, i) => i).filter((i) => usable(points[i]![xKey], xLog) && usable(points[i]![yKey], yLog));
  const x = (i: number) => (points[i]![xKey] as number) * (maximizeX ? -1 : 1);
  const y = (i: number) => points[i]![yKey] as number;
  idx.sort((a, b) => (x(a) !== x(b) ? x(a) - x(b) : y(a) - y(b)) || a - b);
  const front: number[] = [];
  for (const i of idx) if (!front.length || y(i) < y(front[front.length - 1]!)) front.push(i);
  return front.sort((a, b) => (points[a]![xKey] as number) - (points[b]![xKey] as number));
}
