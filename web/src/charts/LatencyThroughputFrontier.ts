// LatencyThroughputFrontier: x the arrival rate (QPS), y the P99 latency;
// the simulator's curve, its analytic twin, the knee, and the student's
// operating point.
import type { FrontierResponse } from '../api/types';
import { Chart, fmtLegend, type Built } from './base';
import { OKABE_ITO } from './palette';
import { frontierColumns } from './transforms';

export interface FrontierInput { frontier: FrontierResponse; operating: { rate: number; p99: number | null } | null }

export class LatencyThroughputFrontier extends Chart<FrontierInput> {
  constructor(parent: HTMLElement) {
    super(parent, 'frontier', 'Latency–throughput frontier', 'P99 latency against arrival rate: the simulator, its analytic twin, the knee and your operating point.');
  }

  protected build(d: FrontierInput): Built {
    const c = frontierColumns(d.frontier, d.operating);
    const what = c.metric === 'ttft' ? 'P99 TTFT' : 'P99 latency';
    const ms = fmtLegend('ms');
    return {
      key: `frontier-${c.metric}`,
      data: [c.x, c.simulated, c.analytic, c.knee, c.operating],
      opts: {
        scales: { x: { time: false }, y: { range: (_u, min, max) => [0, Math.max(max, min + 1) * 1.05] } },
        axes: [
          { label: 'Arrival rate (req/s)' },
          { label: `${what} (ms)`, size: 60 },
        ],
        series: [
          { label: 'Rate', value: fmtLegend('req/s') },
          { label: `Simulated ${what}`, stroke: OKABE_ITO.blue, width: 2, spanGaps: true, value: ms, points: { show: true, size: 5 } },
          { label: c.metric === 'ttft' ? 'Analytic (none for TTFT)' : 'Analytic P99', stroke: OKABE_ITO.orange, width: 2, dash: [6, 4], spanGaps: true, value: ms },
          { label: c.kneeRate === null ? 'Knee: beyond the rates shown' : `Knee (${c.kneeRate.toFixed(1)} req/s)`, stroke: OKABE_ITO.vermillion, paths: () => null, points: { show: true, size: 12, fill: OKABE_ITO.vermillion, stroke: OKABE_ITO.black }, value: ms },
          { label: 'Your operating point', stroke: OKABE_ITO.green, paths: () => null, points: { show: true, size: 14, fill: OKABE_ITO.green, stroke: OKABE_ITO.black }, value: ms },
        ],
      },
    };
  }
}
