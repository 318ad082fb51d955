// DeadlineMisses: the latency distribution (P50 … max) against a deadline —
// the stutter budget of a frame, the safety loop's bound — so the student
// sees which percentiles miss it. Also the fan-out and hedging view.
import type { Percentiles } from '../api/types';
import { Chart, bars, categoryAxis, fmtLegend, type Built } from './base';
import { OKABE_ITO } from './palette';
import { PERCENTILE_LABELS, percentileBars } from './transforms';

export interface DeadlineInput { what: string; p: Percentiles | null; deadlineMs: number | null; deadlineLabel: string }

export class DeadlineMisses extends Chart<DeadlineInput> {
  constructor(parent: HTMLElement, name = 'deadline', title = 'Deadline misses and stutter') {
    super(parent, name, title, 'Latency percentiles against the deadline: every bar above the line is a miss at that percentile.');
  }

  protected build(d: DeadlineInput): Built {
    const v = percentileBars(d.p) ?? PERCENTILE_LABELS.map(() => 0);
    const x = v.map((_, i) => i);
    const miss = v.map((y) => (d.deadlineMs !== null && y > d.deadlineMs ? y : null));
    const ok = v.map((y) => (d.deadlineMs === null || y <= d.deadlineMs ? y : null));
    const ms = fmtLegend('ms');
    return {
      key: `deadline-${d.deadlineMs === null}`,
      data: [x, ok, miss, x.map(() => d.deadlineMs)],
      opts: {
        scales: { x: { time: false, range: [-0.6, v.length - 0.4] }, y: { range: (_u, _min, max) => [0, Math.max(max, d.deadlineMs ?? 0) * 1.1 || 1] } },
        axes: [categoryAxis(PERCENTILE_LABELS, `Percentile of ${d.what}`), { label: `${d.what} (ms)`, size: 60 }],
        series: [
          { label: 'Percentile', value: (_u, i) => PERCENTILE_LABELS[i] ?? '' },
          { label: 'Within deadline', stroke: OKABE_ITO.blue, fill: OKABE_ITO.blue, paths: bars, points: { show: false }, value: ms },
          { label: 'Misses deadline', stroke: OKABE_ITO.vermillion, fill: OKABE_ITO.vermillion, paths: bars, points: { show: false }, value: ms },
          { label: d.deadlineMs === null ? 'No deadline' : `Deadline: ${d.deadlineLabel}`, stroke: OKABE_ITO.black, width: 2, dash: [8, 4], points: { show: false }, value: ms },
        ],
      },
    };
  }
}
