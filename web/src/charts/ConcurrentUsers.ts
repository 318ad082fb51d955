// ConcurrentUsers: how many users' KV caches fit under contiguous and paged
// allocation (POST /api/v1/memory, the engine's memory model).
import type { MemoryResponse } from '../api/types';
import { Chart, bars, categoryAxis, fmtLegend, type Built } from './base';
import { OKABE_ITO } from './palette';
import { usersBars } from './transforms';

export class ConcurrentUsers extends Chart<MemoryResponse> {
  constructor(parent: HTMLElement) {
    super(parent, 'users', 'Concurrent users that fit', 'Users whose KV cache fits in the replica\'s free HBM, contiguous against paged allocation.');
  }

  protected build(m: MemoryResponse): Built {
    const b = usersBars(m);
    const users = fmtLegend('users');
    return {
      key: 'users',
      data: [[0, 1], [b.users[0]!, null], [null, b.users[1]!]],
      opts: {
        scales: { x: { time: false, range: [-0.6, 1.6] }, y: { range: (_u, _min, max) => [0, max * 1.15 || 1] } },
        axes: [categoryAxis(b.labels, `KV allocation (context ${m.context} tokens, TP${m.tp} PP${m.pp})`), { label: 'Concurrent users', size: 60 }],
        series: [
          { label: 'Allocator', value: (_u, v) => b.labels[v] ?? '' },
          { label: 'Contiguous', stroke: OKABE_ITO.orange, fill: OKABE_ITO.orange, paths: bars, points: { show: false }, value: users },
          { label: `Paged (${b.gain.toFixed(2)}×)`, stroke: OKABE_ITO.blue, fill: OKABE_ITO.blue, paths: bars, points: { show: false }, value: users },
        ],
      },
    };
  }
}
