// KVCacheHeatmap: the allocator's block map over time (x: simulated time,
// y: KV blocks), each block coloured by its state: stored tokens, reserved,
// internal and external fragmentation, cached, free. The legend gives each
// state's share at the hovered time.
import type { ReportSeries } from '../api/types';
import { Chart, fmtLegend, uPlot, type Built } from './base';
import { KV_STATE_COLOURS } from './palette';
import { heatmapRows, rowRuns } from './transforms';

export class KVCacheHeatmap extends Chart<ReportSeries['kv_heatmap']> {
  private map: ReportSeries['kv_heatmap'] | null = null;

  constructor(parent: HTMLElement) {
    super(parent, 'heatmap', 'KV-cache block map', 'Memory blocks (rows of the cache, sampled) over simulated time, coloured by state.');
  }

  protected build(h: ReportSeries['kv_heatmap']): Built {
    this.map = h;
    const r = heatmapRows(h);
    const pct = (_u: uPlot, v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)} %`);
    return {
      key: `heatmap-${r.states.join(',')}-${r.cells}`,
      data: [r.time, ...r.shares],
      opts: {
        scales: { x: { time: false }, y: { range: [0, r.cells] }, share: { range: [0, 1] } },
        axes: [{ label: 'Simulated time (s)' }, { label: `KV block (of ${r.cells} sampled)`, size: 60 }],
        series: [
          { label: 'Time', value: fmtLegend('s') },
          ...r.states.map((s) => ({
            label: s, stroke: KV_STATE_COLOURS[s] ?? '#999', fill: KV_STATE_COLOURS[s] ?? '#999',
            paths: () => null, points: { show: false }, value: pct, scale: 'share',
          })),
        ],
        hooks: { draw: [(u: uPlot) => this.drawCells(u)] },
      },
    };
  }

  private drawCells(u: uPlot): void {
    const h = this.map;
    if (!h) return;
    const ctx = u.ctx;
    const n = h.time_s.length;
    const paths = h.state_names.map(() => new Path2D());
    const dt = n > 1 ? (h.time_s[n - 1]! - h.time_s[0]!) / (n - 1) : 1;
    for (let row = 0; row < n; row++) {
      const x0 = u.valToPos(h.time_s[row]!, 'x', true);
      const x1 = u.valToPos(row + 1 < n ? h.time_s[row + 1]! : h.time_s[row]! + dt, 'x', true);
      for (const [start, len, state] of rowRuns(h.states, row, h.cells)) {
        const y0 = u.valToPos(start, 'y', true);
        const y1 = u.valToPos(start + len, 'y', true);
        paths[state]?.rect(x0, y1, Math.max(x1 - x0, 1), y0 - y1);
      }
    }
    ctx.save();
    h.state_names.forEach((s, i) => {
      ctx.fillStyle = KV_STATE_COLOURS[s] ?? '#999';
      ctx.fill(paths[i]!);
    });
    ctx.restore();
  }
}
