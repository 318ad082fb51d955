// LatencyThroughputFrontier: x the arrival rate (QPS), y the P99 latency;
// the simulator's curve with its unstable points pinned at the top (the
// queue grows without bound there), the analytic twin or the M/M/1
// reference with the same unloaded P99 and capacity, the knee as one of the
// plotted points, the 50/80/90% utilisation marks, the part's target and
// the student's operating point.
import type { FrontierResponse } from '../api/types';
import { Chart, fmtLegend, uPlot, type Built } from './base';
import { OKABE_ITO } from './palette';
import { frontierColumns, type FrontierColumns } from './transforms';

export interface FrontierInput {
  frontier: FrontierResponse;
  operating: { rate: number; p99: number | null } | null;
  target: { ms: number; label: string } | null;
  rateUnit: string;
}

export class LatencyThroughputFrontier extends Chart<FrontierInput> {
  private cols: FrontierColumns | null = null;

  constructor(parent: HTMLElement) {
    super(parent, 'frontier', 'Latency–throughput frontier', 'P99 latency against arrival rate: the simulator (unstable points pinned at the top), the M/M/1 reference, the knee, the 50/80/90% utilisation marks, the target and your operating point.');
  }

  protected build(d: FrontierInput): Built {
    const c = frontierColumns(d.frontier, d.operating, d.target?.ms ?? null);
    this.cols = c;
    const what = c.metric === 'ttft' ? 'P99 TTFT' : 'P99 latency';
    const ms = fmtLegend('ms');
    const unstable = c.unstable.filter((v) => v !== null).length;
    const pastKnee = c.kneeRate === null ? 0 : c.x.filter((x, i) => x > c.kneeRate! && c.simulated[i] !== null).length;
    const exact = (d.frontier.analytic_method ?? '') !== '' && c.analytic.some((v) => v !== null);
    const rate = fmtLegend(d.rateUnit);
    return {
      key: `frontier-${c.metric}-${d.target?.ms ?? 'none'}-${exact}`,
      data: [c.x, c.simulated, c.unstable, exact ? c.analytic : c.reference, c.knee, c.operating, c.target],
      attrs: {
        unstable: String(unstable), pastKnee: String(pastKnee),
        kneeX: c.kneeRate === null ? '' : String(c.kneeRate), kneeY: c.kneeP99 === null ? '' : String(c.kneeP99),
        utilMarks: c.utilisation.map((u) => u.rate.toPrecision(6)).join(','),
        reference: String(c.reference.some((v) => v !== null) || exact), target: d.target ? String(d.target.ms) : '',
      },
      opts: {
        scales: { x: { time: false }, y: { range: () => [0, c.top * 1.04] } },
        axes: [
          { label: `Arrival rate (${d.rateUnit})` },
          { label: `${what} (ms)`, size: 60 },
        ],
        series: [
          { label: 'Rate', value: rate },
          { label: `Simulated ${what}`, stroke: OKABE_ITO.blue, width: 2, spanGaps: true, value: (u, v, _s, i) => (i !== null && i !== undefined && c.unstable[i] !== null ? 'unbounded' : ms(u, v)), points: { show: true, size: 5 } },
          { label: 'Unstable: queue grows without bound', stroke: OKABE_ITO.vermillion, paths: () => null, points: { show: true, size: 11, fill: '#fff', stroke: OKABE_ITO.vermillion, width: 2 }, value: (_u, v) => (v === null ? '—' : 'unbounded') },
          exact
            ? { label: `Analytic twin (${d.frontier.analytic_method})`, stroke: OKABE_ITO.orange, width: 2, dash: [6, 4], spanGaps: false, value: ms }
            : { label: 'M/M/1 reference: unloaded P99 ÷ (1 − ρ)', stroke: OKABE_ITO.orange, width: 2, dash: [6, 4], spanGaps: false, value: ms },
          { label: c.kneeRate === null ? 'Knee: not within the rates shown' : `Knee: ${Number(c.kneeRate.toPrecision(3))} ${d.rateUnit}`, stroke: OKABE_ITO.vermillion, paths: () => null, points: { show: true, size: 13, fill: OKABE_ITO.vermillion, stroke: OKABE_ITO.black }, value: ms },
          { label: 'Your operating point', stroke: OKABE_ITO.green, paths: () => null, points: { show: true, size: 14, fill: OKABE_ITO.green, stroke: OKABE_ITO.black }, value: ms },
          { label: d.target ? `Target: ${d.target.label}` : 'No latency target', stroke: OKABE_ITO.purple, width: 2, dash: [2, 3], points: { show: false }, value: ms },
        ],
        hooks: { draw: [(u: uPlot) => this.drawMarks(u)] },
      },
    };
  }

  /** Dashed verticals at 50, 80 and 90% of the measured capacity, labelled. */
  private drawMarks(u: uPlot): void {
    const c = this.cols;
    if (!c || !c.utilisation.length) return;
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = '#666';
    ctx.fillStyle = '#333';
    ctx.setLineDash([4, 4]);
    ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
    for (const m of c.utilisation) {
      const x = u.valToPos(m.rate, 'x', true);
      if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) continue;
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      ctx.fillText(`ρ ${Math.round(m.load * 100)}%`, x + 3, u.bbox.top + 12 * devicePixelRatio);
    }
    ctx.restore();
  }
}
