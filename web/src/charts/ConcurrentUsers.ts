// ConcurrentUsers: how many users run at once (time-averaged running
// requests, the engine's concurrency.running) under contiguous and paged KV
// allocation, from two runs of the student's settings that differ only in
// the allocator: the one users figure the part's reveal also uses.
import { Chart, bars, categoryAxis, fmtLegend, type Built } from './base';
import { OKABE_ITO } from './palette';

export interface UsersInput { contiguous: number | null; paged: number | null; context: string }

export class ConcurrentUsers extends Chart<UsersInput> {
  constructor(parent: HTMLElement) {
    super(parent, 'users', 'Users running at once', 'Time-averaged requests holding KV cache and running, simulated at your settings with each allocator.');
  }

  protected build(d: UsersInput): Built {
    const labels = ['Contiguous', 'Paged'];
    const users = fmtLegend('users');
    const gain = d.contiguous && d.paged ? d.paged / d.contiguous : null;
    return {
      key: 'users',
      data: [[0, 1], [d.contiguous, null], [null, d.paged]],
      attrs: { ratio: gain === null ? '' : String(gain) },
      opts: {
        scales: { x: { time: false, range: [-0.6, 1.6] }, y: { range: (_u, _min, max) => [0, max * 1.15 || 1] } },
        axes: [categoryAxis(labels, `KV allocation (${d.context})`), { label: 'Users running at once', size: 60 }],
        series: [
          { label: 'Allocator', value: (_u, v) => labels[v] ?? '' },
          { label: 'Contiguous', stroke: OKABE_ITO.orange, fill: OKABE_ITO.orange, paths: bars, points: { show: false }, value: users },
          { label: gain === null ? 'Paged' : `Paged (${gain.toFixed(2)}×)`, stroke: OKABE_ITO.blue, fill: OKABE_ITO.blue, paths: bars, points: { show: false }, value: users },
        ],
      },
    };
  }
}
