// PredictionDistribution: how many students locked each prediction of a
// part, before the reveal (the instructor's page; class/distribution.ts
// makes the bars).
import type { Distribution } from '../class/distribution';
import { Chart, bars, categoryAxis, type Built } from './base';
import { OKABE_ITO } from './palette';

export class PredictionDistribution extends Chart<Distribution> {
  constructor(parent: HTMLElement) {
    super(parent, 'predictions', 'Locked predictions', 'Each student\'s locked prediction, counted before the reveal.');
  }

  protected build(d: Distribution): Built {
    const x = d.labels.map((_, i) => i);
    return {
      key: `predictions:${d.labels.join('|')}`,
      data: [x, d.counts],
      opts: {
        scales: { x: { time: false, range: [-0.6, Math.max(0.6, d.labels.length - 0.4)] }, y: { range: (_u, _min, max) => [0, Math.max(1, max) * 1.15] } },
        axes: [categoryAxis(d.labels, d.axis), { label: 'Students', size: 50, incrs: [1, 2, 5, 10, 20, 50, 100] }],
        series: [
          { label: d.axis, value: (_u, v) => d.labels[v] ?? '' },
          { label: 'Students', stroke: OKABE_ITO.blue, fill: OKABE_ITO.blue, paths: bars, points: { show: false }, value: (_u, v) => (v === null ? '—' : String(v)) },
        ],
      },
    };
  }
}
