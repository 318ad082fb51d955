// CostPerUser: the stakeholder's figure before and after (the baseline
// configuration against the student's), with the guarded latency beside it.
import { Chart, bars, categoryAxis, fmtLegend, type Built } from './base';
import { OKABE_ITO } from './palette';

export interface CostInput {
  label: string; unit: string; before: number | null; after: number | null;
  guardLabel: string; guardBefore: number | null; guardAfter: number | null;
}

export class CostPerUser extends Chart<CostInput> {
  constructor(parent: HTMLElement) {
    super(parent, 'cost', 'Cost before and after', 'The baseline configuration against yours: the cost figure (bars, left) and the latency that must not regress (points, right).');
  }

  protected build(d: CostInput): Built {
    const labels = ['Before (baseline)', 'After (yours)'];
    return {
      key: `cost-${d.label}`,
      data: [[0, 1], [d.before, d.after], [d.guardBefore, d.guardAfter]],
      opts: {
        scales: { x: { time: false, range: [-0.6, 1.6] }, y: { range: (_u, _min, max) => [0, max * 1.2 || 1] }, ms: { range: (_u, _min, max) => [0, max * 1.2 || 1] } },
        axes: [categoryAxis(labels, 'Configuration'), { label: `${d.label} (${d.unit})`, size: 70 }, { label: `${d.guardLabel} (ms)`, scale: 'ms', side: 1, grid: { show: false }, size: 60 }],
        series: [
          { label: 'Configuration', value: (_u, v) => labels[v] ?? '' },
          { label: d.label, stroke: OKABE_ITO.blue, fill: OKABE_ITO.skyBlue, paths: bars, points: { show: false }, value: fmtLegend(d.unit) },
          { label: d.guardLabel, stroke: OKABE_ITO.vermillion, paths: () => null, points: { show: true, size: 12, fill: OKABE_ITO.vermillion }, scale: 'ms', value: fmtLegend('ms') },
        ],
      },
    };
  }
}
