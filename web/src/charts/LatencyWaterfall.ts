// LatencyWaterfall: the mean time to first token built up from queueing,
// compute, communication, pipeline bubbles and overhead, each bar starting
// where the previous one ended, the total last, and the target as a line.
import type { Waterfall } from '../api/types';
import { Chart, categoryAxis, fmtLegend, uPlot, type Built } from './base';
import { OKABE_ITO } from './palette';
import { waterfallSteps, type WaterfallStep } from './transforms';

const COLOURS = [OKABE_ITO.skyBlue, OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.purple, OKABE_ITO.yellow, OKABE_ITO.black];

export interface WaterfallInput { waterfall: Waterfall; targetMs: number | null; targetLabel: string }

export class LatencyWaterfall extends Chart<WaterfallInput> {
  private steps: WaterfallStep[] = [];

  constructor(parent: HTMLElement) {
    super(parent, 'waterfall', 'Latency waterfall', 'Where the mean time to first token goes; the components sum to the TTFT bar.');
  }

  protected build(d: WaterfallInput): Built {
    const { steps } = waterfallSteps(d.waterfall);
    this.steps = steps;
    const labels = steps.map((s) => s.label);
    const x = steps.map((_, i) => i);
    const ms = fmtLegend('ms');
    const target = d.targetMs;
    return {
      key: 'waterfall',
      data: [x, steps.map((s) => s.ms), steps.map((s) => s.start + s.ms), x.map(() => target)],
      opts: {
        scales: { x: { time: false, range: [-0.6, steps.length - 0.4] }, y: { range: (_u, _min, max) => [0, Math.max(max, target ?? 0) * 1.1 || 1] } },
        axes: [categoryAxis(labels, 'Component of the mean TTFT'), { label: 'Milliseconds (ms)', size: 60 }],
        series: [
          { label: 'Component', value: (_u, v) => labels[v] ?? '' },
          { label: 'Duration', stroke: OKABE_ITO.blue, fill: OKABE_ITO.blue, paths: () => null, points: { show: false }, value: ms },
          { label: 'Running total', stroke: OKABE_ITO.black, paths: () => null, points: { show: false }, value: ms },
          { label: target === null ? 'No target' : `Target: ${d.targetLabel}`, stroke: OKABE_ITO.vermillion, width: 2, dash: [8, 4], value: ms, points: { show: false } },
        ],
        hooks: { draw: [(u: uPlot) => this.drawBars(u)] },
      },
    };
  }

  private drawBars(u: uPlot): void {
    const ctx = u.ctx;
    ctx.save();
    const half = Math.abs(u.valToPos(0.3, 'x', true) - u.valToPos(0, 'x', true));
    this.steps.forEach((s, i) => {
      const cx = u.valToPos(i, 'x', true);
      const y0 = u.valToPos(s.start, 'y', true);
      const y1 = u.valToPos(s.start + s.ms, 'y', true);
      ctx.fillStyle = COLOURS[i % COLOURS.length]!;
      ctx.fillRect(cx - half, Math.min(y0, y1), 2 * half, Math.max(Math.abs(y0 - y1), 1));
    });
    ctx.restore();
  }
}
