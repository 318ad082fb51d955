// ParetoChart: every configuration (grey points) and the Pareto front (blue,
// joined) of two of their figures; the cursor names the point under it and
// the line below the chart gives its details.
import { Chart, type Built } from '../charts/base';
import { OKABE_ITO } from '../charts/palette';
import type { ChartSpec, PlannerData } from './load';
import { paretoFront, usable } from './pareto';

export interface ParetoInput { data: PlannerData; spec: ChartSpec }

function fmt(v: unknown): string {
  if (typeof v !== 'number') return v === null || v === undefined ? '—' : String(v);
  return Math.abs(v) >= 1e6 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(2) : String(Number(v.toPrecision(4)));
}

export class ParetoChart extends Chart<ParetoInput> {
  constructor(parent: HTMLElement, spec: ChartSpec) {
    super(parent, `planner-${spec.id}`, spec.title, spec.caption);
  }

  protected build(d: ParetoInput): Built {
    const { data, spec } = d;
    const front = new Set(paretoFront(data.points, spec.x.key, spec.y.key, spec.maximizeX, spec.x.log, spec.y.log));
    const order = data.points.map((_, i) => i)
      .filter((i) => usable(data.points[i]![spec.x.key], spec.x.log) && usable(data.points[i]![spec.y.key], spec.y.log))
      .sort((a, b) => (data.points[a]![spec.x.key] as number) - (data.points[b]![spec.x.key] as number));
    const xs = order.map((i) => data.points[i]![spec.x.key] as number);
    const all = order.map((i) => data.points[i]![spec.y.key] as number);
    const onFront = order.map((i) => (front.has(i) ? (data.points[i]![spec.y.key] as number) : null));
    const describe = (k: number | null | undefined): string => {
      if (k === null || k === undefined || order[k] === undefined) return '';
      const p = data.points[order[k]!]!;
      return [String(p[data.labelKey] ?? ''), ...data.details.filter((f) => p[f] !== undefined && p[f] !== null).map((f) => `${f} ${fmt(p[f])}`)].join(' · ');
    };
    this.root.dataset.front = String(front.size);
    return {
      key: `pareto-${spec.id}-${spec.x.log}-${spec.y.log}`,
      data: [xs, all, onFront],
      opts: {
        scales: { x: { time: false, distr: spec.x.log ? 3 : 1 }, y: { distr: spec.y.log ? 3 : 1 } },
        axes: [{ label: spec.x.label }, { label: spec.y.label, size: 64 }],
        series: [
          { label: spec.x.label, value: (_u, v, _s, idx) => (idx === null || idx === undefined ? '—' : `${fmt(v)} (${String(data.points[order[idx]!]?.[data.labelKey] ?? '')})`) },
          { label: 'Configurations', stroke: '#9a9a9a', paths: () => null, points: { show: true, size: 6, fill: '#9a9a9a' }, value: (_u, v) => fmt(v) },
          { label: 'Pareto front', stroke: OKABE_ITO.blue, width: 2, spanGaps: true, points: { show: true, size: 9, fill: OKABE_ITO.blue }, value: (_u, v) => fmt(v) },
        ],
        hooks: { setCursor: [(u) => this.setInfo(describe(u.cursor.idx))] },
      },
    };
  }
}
