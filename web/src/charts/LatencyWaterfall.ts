// LatencyWaterfall: the mean time to first token built up from queueing,
// compute, communication, pipeline bubbles and overhead, each bar starting
// where the previous one ended, the mean total, then the P99 TTFT beside it
// with the target (a P99 objective) as a line: the target is judged on the
// P99, the waterfall explains the mean.
import type { Waterfall } from '../api/types';
import { Chart, categoryAxis, fmtLegend, uPlot, type Built } from './base';
import { OKABE_ITO } from './palette';
import { waterfallSteps, type WaterfallStep } from './transforms';

const COLOURS = [OKABE_ITO.skyBlue, OKABE_ITO.blue, OKABE_ITO.orange, OKABE_ITO.purple, OKABE_ITO.yellow, OKABE_ITO.black, OKABE_ITO.vermillion];

export interface WaterfallInput { waterfall: Waterfall; p99Ms: number | null; targetMs: number | null; targetLabel: string }

export class LatencyWaterfall extends Chart<WaterfallInput> {
  private steps: WaterfallStep[] = [];

  constructor(parent: HTMLElement) {
    super(parent, 'waterfall', 'Latency waterfall', 'Where the mean time to first token goes (the components sum to the mean TTFT bar); the P99 TTFT bar beside it is what a P99 target judges.');
  }

  protected build(d: WaterfallInput): Built {
    const { steps } = waterfallSteps(d.waterfall);
    steps[steps.length - 1]!.label = 'Mean TTFT';
    if (d.p99Ms !== null) steps.push({ label: 'P99 TTFT', ms: d.p99Ms, start: 0 });
    this.steps = steps;
    const labels = steps.map((s) => s.label);
    const x = steps.map((_, i) => i);
    const ms = fmtLegend('ms');
    const target = d.targetMs;
    return {
      key: `waterfall-${steps.length}`,
      data: [x, steps.map((s) => s.ms), steps.map((s) => s.start + s.ms), x.map(() => target)],
      opts: {
        scales: { x: { time: false, range: [-0.6, steps.length - 0.4] }, y: { range: (_u, _min, max) => [0, Math.max(max, target ?? 0) * 1.1 || 1] } },
        axes: [{ ...categoryAxis(labels, 'Component of the mean TTFT, then the P99'), rotate: -30, size: 70 }, { label: 'Milliseconds (ms)', size: 60 }],
        series: [
          { label: 'Component', value: (_u, v) => labels[v] ?? '' },
          { label: 'Duration', stroke: OKABE_ITO.blue, fill: OKABE_ITO.blue, paths: () => null, points: { show: false }, value: ms },
          { label: 'Running total', stroke: OKABE_ITO.black, paths: () => null, points: { show: false }, value: ms },
          { label: target === null ? 'No TTFT target' : `P99 target: ${d.targetLabel}`, stroke: OKABE_ITO.vermillion, width: 2, dash: [8, 4], value: ms, points: { show: false } },
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
